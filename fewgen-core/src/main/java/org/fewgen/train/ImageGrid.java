package org.fewgen.train;

import org.fewgen.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns images into grids and PNG files: planar RGB floats in [-1, 1] (GAN samples) and
 * grayscale floats in [0, 1] (UAE reconstructions, one row per image set).
 */
public final class ImageGrid {

    private ImageGrid() {
    }

    /**
     * One image out of a batch.
     *
     * @param pixels {@code (N, 3, R, R)} planar, values in [-1, 1] (clamped)
     * @param index which image
     * @param size R
     */
    public static BufferedImage image(float[] pixels, int index, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        int base = index * 3 * plane;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = toByte(pixels[base + i]);
            int g = toByte(pixels[base + plane + i]);
            int b = toByte(pixels[base + 2 * plane + i]);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        img.setRGB(0, 0, size, size, rgb, 0, size);
        return img;
    }

    /** Maps [-1, 1] to 0..255 with rounding, as the reference's image saver does. */
    static int toByte(float v) {
        float x = (v + 1f) * 127.5f + 0.5f;
        if (!(x > 0f)) {
            return 0; // also NaN
        }
        return x >= 255f ? 255 : (int) x;
    }

    /**
     * Lays {@code count} images out row by row, {@code cols} per row.
     *
     * @param pixels {@code (count, 3, R, R)} in [-1, 1]
     */
    public static BufferedImage grid(float[] pixels, int count, int size, int cols) {
        int rows = (count + cols - 1) / cols;
        BufferedImage out = new BufferedImage(cols * size, rows * size, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        try {
            for (int i = 0; i < count; i++) {
                g.drawImage(image(pixels, i, size), (i % cols) * size, (i / cols) * size, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Grayscale images laid out one row per image set (originals, then each method's
     * reconstructions), on a blue background with a 2-pixel gap.
     *
     * @param rows each row holds {@code count} images of {@code side·side} pixels in [0, 1]
     * @param scale pixels per image pixel
     */
    public static BufferedImage grayRows(java.util.List<float[]> rows, int side, int count, int scale) {
        int gap = 2;
        int cell = side * scale + gap;
        BufferedImage img = new BufferedImage(count * cell + gap, rows.size() * cell + gap, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0x3060a0);
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            float[] data = rows.get(r);
            for (int i = 0; i < count; i++) {
                for (int py = 0; py < side * scale; py++) {
                    for (int px = 0; px < side * scale; px++) {
                        float v = data[i * side * side + (py / scale) * side + px / scale];
                        int g = Math.max(0, Math.min(255, Math.round(v * 255)));
                        img.setRGB(gap + i * cell + px, gap + r * cell + py, (g << 16) | (g << 8) | g);
                    }
                }
            }
        }
        return img;
    }

    /** A square-ish column count for {@code count} images (8 for 64). */
    public static int columnsFor(int count) {
        return Math.max(1, (int) Math.ceil(Math.sqrt(count)));
    }

    /** Writes a PNG atomically. */
    public static void writePng(Path file, BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException(file + ": no PNG writer available");
        }
        AtomicFiles.writeBytes(file, bytes.toByteArray());
    }
}
