package org.fewgen.data;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A set of square RGB images of one resolution R, held in memory as unsigned bytes.
 *
 * <p>Layout: image {@code i} occupies {@code [i·3·R·R, (i+1)·3·R·R)} of {@link #pixels()},
 * channel-major (C, H, W) with C = R, G, B; so the whole array is (N, 3, R, R) uint8.
 *
 * <p>The set never changes after construction. {@link #pixels()} hands out the backing array
 * itself (copying a few hundred MB per call would make per-image access quadratic), so callers
 * must treat it as read-only.
 */
public final class ImageSet {

    private final String source;
    private final int resolution;
    private final int size;
    private final byte[] pixels;
    private final List<String> skipped;
    private volatile String fingerprint;

    /** Takes ownership of {@code pixels} (no copy); see {@link #of} for a copying factory. */
    ImageSet(String source, int resolution, byte[] pixels, List<String> skipped, String fingerprint) {
        if (resolution <= 0) {
            throw new IllegalArgumentException("resolution must be positive, got " + resolution);
        }
        int per = 3 * resolution * resolution;
        if (pixels.length % per != 0) {
            throw new IllegalArgumentException("pixel array of " + pixels.length + " bytes is not a whole number of 3x"
                    + resolution + "x" + resolution + " images");
        }
        this.source = source;
        this.resolution = resolution;
        this.size = pixels.length / per;
        this.pixels = pixels;
        this.skipped = List.copyOf(skipped);
        this.fingerprint = fingerprint;
    }

    /**
     * An image set from (N, 3, R, R) uint8 pixels, which are copied.
     *
     * @param skipped names of source files that could not be decoded (may be empty)
     */
    public static ImageSet of(String source, int resolution, byte[] pixels, List<String> skipped) {
        return new ImageSet(source, resolution, pixels.clone(), skipped, null);
    }

    /** Number of images N. */
    public int size() {
        return size;
    }

    /** Side length R of every image. */
    public int resolution() {
        return resolution;
    }

    /** The source the set was loaded from, as the user named it (e.g. {@code openmoji:food-drink}). */
    public String source() {
        return source;
    }

    /** Files of the source that could not be decoded and are not in the set. */
    public List<String> skipped() {
        return skipped;
    }

    /**
     * Hex sha256 over the resolution, the image count and the pixel bytes: equal for equal
     * content whatever the source was called, so it can key cached statistics.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            f = computeFingerprint(resolution, pixels, 0, pixels.length);
            fingerprint = f;
        }
        return f;
    }

    static String computeFingerprint(int resolution, byte[] pixels, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("fewgen-imageset resolution=" + resolution + " bytes=" + length + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            md.update(pixels, offset, length);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The backing (N, 3, R, R) uint8 array: NOT a copy, do not modify. Use {@link #pixelBuffer()}
     * where a read-only view is safer.
     */
    public byte[] pixels() {
        return pixels;
    }

    /** A read-only view of {@link #pixels()}. */
    public ByteBuffer pixelBuffer() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** Bytes per image: 3·R·R. */
    public int imageBytes() {
        return 3 * resolution * resolution;
    }

    /** Value 0..255 of channel {@code c} at row {@code y}, column {@code x} of image {@code i}. */
    public int pixel(int i, int c, int y, int x) {
        checkIndex(i);
        return pixels[i * imageBytes() + (c * resolution + y) * resolution + x] & 0xff;
    }

    /** Image {@code i} as a new TYPE_INT_RGB image of R×R. */
    public BufferedImage image(int i) {
        checkIndex(i);
        int r = resolution;
        int plane = r * r;
        int base = i * imageBytes();
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            rgb[p] = (pixels[base + p] & 0xff) << 16 | (pixels[base + plane + p] & 0xff) << 8
                    | (pixels[base + 2 * plane + p] & 0xff);
        }
        BufferedImage img = new BufferedImage(r, r, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, r, r, rgb, 0, r);
        return img;
    }

    /** Image {@code i} as luma 0.299R + 0.587G + 0.114B in [0, 1], (R, R) row-major. */
    public float[] grayscale(int i) {
        checkIndex(i);
        int plane = resolution * resolution;
        int base = i * imageBytes();
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            float luma = 0.299f * (pixels[base + p] & 0xff) + 0.587f * (pixels[base + plane + p] & 0xff)
                    + 0.114f * (pixels[base + 2 * plane + p] & 0xff);
            out[p] = Math.min(1f, luma / 255f);
        }
        return out;
    }

    /** Every image as luma in [0, 1]: (N, R·R) row-major, e.g. 28×28 inputs for the UAE. */
    public float[] grayscaleAll() {
        int plane = resolution * resolution;
        float[] out = new float[size * plane];
        for (int i = 0; i < size; i++) {
            System.arraycopy(grayscale(i), 0, out, i * plane, plane);
        }
        return out;
    }

    /** Images {@code [from, to)} as a new set (same source and skipped list). */
    public ImageSet subset(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("subset [" + from + ", " + to + ") of a set of " + size + " images");
        }
        byte[] part = new byte[(to - from) * imageBytes()];
        System.arraycopy(pixels, from * imageBytes(), part, 0, part.length);
        return new ImageSet(source, resolution, part, skipped, null);
    }

    /**
     * This set followed by the left-right mirror image of each of its images (2N images):
     * the x-flip augmentation done once, ahead of time.
     */
    public ImageSet withMirrors() {
        int r = resolution;
        byte[] out = new byte[2 * pixels.length];
        System.arraycopy(pixels, 0, out, 0, pixels.length);
        int rows = size * 3 * r;
        for (int row = 0; row < rows; row++) {
            int src = row * r;
            int dst = pixels.length + row * r;
            for (int x = 0; x < r; x++) {
                out[dst + x] = pixels[src + r - 1 - x];
            }
        }
        return new ImageSet(source + " (+mirrored)", r, out, skipped, null);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("image " + i + " of a set of " + size);
        }
    }

    @Override
    public String toString() {
        return "ImageSet[" + source + ": " + size + " images of " + resolution + "x" + resolution
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped") + "]";
    }
}
