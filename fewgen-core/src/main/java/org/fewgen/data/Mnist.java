package org.fewgen.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MNIST images with their labels, as float pixels in [0, 1] (white strokes on black, as stored).
 * Reads the four standard IDX files of a folder, gzip or raw:
 * {@code train-images-idx3-ubyte(.gz)}, {@code train-labels-idx1-ubyte(.gz)}, and the
 * {@code t10k-*} pair for the test split ({@code train-images.idx3-ubyte} spellings work too).
 */
public final class Mnist {

    /** The two files of MNIST: 60 000 training and 10 000 test images. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /**
     * {@code count} images of {@code rows}×{@code cols}.
     *
     * @param images (count, rows·cols) row-major floats in [0, 1]
     * @param labels (count) digits 0..9
     */
    public record Data(float[] images, int[] labels, int count, int rows, int cols) {

        /** Pixels per image: rows·cols. */
        public int pixelsPerImage() {
            return rows * cols;
        }

        /** A copy of image {@code i}: (rows·cols) floats. */
        public float[] image(int i) {
            int n = pixelsPerImage();
            float[] out = new float[n];
            System.arraycopy(images, i * n, out, 0, n);
            return out;
        }

        /** Images {@code [from, to)} as new arrays. */
        public Data slice(int from, int to) {
            if (from < 0 || to > count || from > to) {
                throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + count + " images");
            }
            int n = pixelsPerImage();
            float[] im = new float[(to - from) * n];
            System.arraycopy(images, from * n, im, 0, im.length);
            int[] lb = new int[to - from];
            System.arraycopy(labels, from, lb, 0, lb.length);
            return new Data(im, lb, to - from, rows, cols);
        }
    }

    private Mnist() {
    }

    /** {@code $FEWGEN_DATA/mnist}, or a {@link DataException} saying how to fix it. */
    public static Path defaultFolder() {
        String root = System.getenv("FEWGEN_DATA");
        if (root == null || root.isBlank()) {
            throw new DataException("mnist: the FEWGEN_DATA environment variable is not set; set it to the folder"
                    + " holding mnist/ and openmoji/, or pass the MNIST folder explicitly");
        }
        return Path.of(root, "mnist");
    }

    /** Loads a split from {@code folder}; errors name the missing or damaged file. */
    public static Data load(Path folder, Split split) throws IOException {
        return load(folder, split, 0);
    }

    /**
     * Loads the first {@code limit} images of a split (0 = all).
     *
     * @throws IOException naming the file that is missing, damaged, or inconsistent with the other
     */
    public static Data load(Path folder, Split split, int limit) throws IOException {
        Path imagesFile = find(folder, split.prefix() + "-images", "idx3");
        Path labelsFile = find(folder, split.prefix() + "-labels", "idx1");
        Idx.UByteArray images = Idx.read(imagesFile);
        Idx.UByteArray labels = Idx.read(labelsFile);
        if (images.dims().length != 3) {
            throw new IOException(imagesFile + ": expected (N, rows, cols) images, got "
                    + java.util.Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new IOException(labelsFile + ": expected (N) labels, got " + java.util.Arrays.toString(labels.dims()));
        }
        if (images.count() != labels.count()) {
            throw new IOException(imagesFile + " has " + images.count() + " images but " + labelsFile + " has "
                    + labels.count() + " labels");
        }
        int n = limit > 0 ? Math.min(limit, images.count()) : images.count();
        int per = images.itemSize();
        float[] px = new float[n * per];
        byte[] raw = images.data();
        for (int i = 0; i < px.length; i++) {
            px[i] = (raw[i] & 0xff) / 255f;
        }
        int[] lb = new int[n];
        for (int i = 0; i < n; i++) {
            lb[i] = labels.get(i);
            if (lb[i] > 9) {
                throw new IOException(labelsFile + ": label " + lb[i] + " at index " + i + " is not a digit 0..9");
            }
        }
        return new Data(px, lb, n, images.dims()[1], images.dims()[2]);
    }

    private static Path find(Path folder, String stem, String kind) throws IOException {
        String[] names = {stem + "-" + kind + "-ubyte.gz", stem + "-" + kind + "-ubyte", stem + "." + kind + "-ubyte",
            stem + "." + kind + "-ubyte.gz"};
        for (String name : names) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException(folder + ": no " + names[0] + " or " + names[1] + " (MNIST IDX files)");
    }
}
