package org.fewgen.cs;

import org.fewgen.data.Idx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A compressed-sensing data set held on the host: train / validation / test images as flat
 * row-major {@code (N, n)} float arrays in [0, 1], with class labels where the source has them
 * (−1 otherwise).
 *
 * <p>MNIST is split as the UAE reference does: the first 50,000 training images train, the last
 * 10,000 validate, and the 10,000 official test images test.
 */
public record CsData(String name, int side, float[] train, int[] trainLabels, float[] valid, int[] validLabels,
                     float[] test, int[] testLabels) {

    /** Pixels per image, n = side². */
    public int pixels() {
        return side * side;
    }

    public int trainCount() {
        return train.length / pixels();
    }

    public int validCount() {
        return valid.length / pixels();
    }

    public int testCount() {
        return test.length / pixels();
    }

    /**
     * Hex sha256 over the image side and the pixels of the three splits, in order: equal for equal
     * content whatever the source was called (recorded in a run's provenance); under a second for
     * all of MNIST.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(("fewgen-csdata side=" + side + " train=" + trainCount() + " valid=" + validCount() + " test="
                    + testCount() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            int chunk = 1 << 16;
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * chunk).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float[] split : new float[][] {train, valid, test}) {
                for (int i = 0; i < split.length; i += chunk) {
                    int k = Math.min(chunk, split.length - i);
                    buf.clear();
                    buf.asFloatBuffer().put(split, i, k);
                    md.update(buf.array(), 0, 4 * k);
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This data set with at most the given number of images per split (for quick runs and tests). */
    public CsData limit(int maxTrain, int maxValid, int maxTest) {
        int n = pixels();
        int tr = Math.min(maxTrain, trainCount());
        int va = Math.min(maxValid, validCount());
        int te = Math.min(maxTest, testCount());
        return new CsData(name, side, Arrays.copyOf(train, tr * n), Arrays.copyOf(trainLabels, tr),
                Arrays.copyOf(valid, va * n), Arrays.copyOf(validLabels, va), Arrays.copyOf(test, te * n),
                Arrays.copyOf(testLabels, te));
    }

    /**
     * Loads {@code mnist} (from {@code $FEWGEN_DATA/mnist}), a folder holding the four MNIST IDX
     * files (gzip or raw), or any other image source understood by the data package.
     *
     * @param source the value of {@code --data}
     */
    public static CsData load(String source) throws IOException {
        Path mnistDir = null;
        if (source.equals("mnist")) {
            String root = System.getenv("FEWGEN_DATA");
            if (root == null || root.isBlank()) {
                throw new org.fewgen.util.SettingException("data", "mnist", "set FEWGEN_DATA to the folder that holds mnist/"
                        + " (or pass the MNIST folder itself)");
            }
            mnistDir = Path.of(root, "mnist");
        } else if (Files.isDirectory(Path.of(source)) && findIdx(Path.of(source), "train-images-idx3-ubyte") != null) {
            mnistDir = Path.of(source);
        }
        if (mnistDir != null) {
            return loadMnist(mnistDir);
        }
        return ImageDomain.load(source);
    }

    /** Reads the four MNIST IDX files of a folder and splits them 50k / 10k / 10k. */
    public static CsData loadMnist(Path dir) throws IOException {
        float[][] train = images(dir, "train-images-idx3-ubyte");
        int[] trainLabels = labels(dir, "train-labels-idx1-ubyte");
        float[][] test = images(dir, "t10k-images-idx3-ubyte");
        int[] testLabels = labels(dir, "t10k-labels-idx1-ubyte");
        int n = 28 * 28;
        int total = train[0].length / n;
        if (trainLabels.length != total || testLabels.length != test[0].length / n) {
            throw new IOException(dir + ": MNIST image and label counts differ");
        }
        int validCount = Math.min(10_000, total / 6);
        int trainCount = total - validCount;
        float[] tr = Arrays.copyOfRange(train[0], 0, trainCount * n);
        float[] va = Arrays.copyOfRange(train[0], trainCount * n, total * n);
        return new CsData("mnist", 28, tr, Arrays.copyOfRange(trainLabels, 0, trainCount), va,
                Arrays.copyOfRange(trainLabels, trainCount, total), test[0], testLabels);
    }

    private static Path findIdx(Path dir, String stem) {
        for (String candidate : new String[] {stem + ".gz", stem, stem.replace("-idx", ".idx")}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Idx.UByteArray read(Path dir, String stem) throws IOException {
        Path p = findIdx(dir, stem);
        if (p == null) {
            throw new IOException(dir + ": no " + stem + "(.gz) file (expected the four MNIST IDX files)");
        }
        return Idx.read(p);
    }

    private static float[][] images(Path dir, String stem) throws IOException {
        Idx.UByteArray a = read(dir, stem);
        if (a.dims().length != 3 || a.dims()[1] != 28 || a.dims()[2] != 28) {
            throw new IOException(dir.resolve(stem) + ": expected (N, 28, 28) images, got dims "
                    + Arrays.toString(a.dims()));
        }
        float[] out = new float[a.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (a.data()[i] & 0xff) / 255f;
        }
        return new float[][] {out};
    }

    private static int[] labels(Path dir, String stem) throws IOException {
        Idx.UByteArray a = read(dir, stem);
        int[] out = new int[a.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i);
        }
        return out;
    }
}
