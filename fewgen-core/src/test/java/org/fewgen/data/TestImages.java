package org.fewgen.data;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small images written by tests, in the formats the loaders must read. */
final class TestImages {

    private TestImages() {
    }

    static BufferedImage solid(int w, int h, Color c) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    static Path write(BufferedImage img, String format, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new AssertionError("no ImageIO writer for " + format + " and " + img);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new AssertionError("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SVG of {@code w}×{@code h} user units filled with one colour. */
    static String svg(int w, int h, String fill) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + w + " " + h + "\" width=\"" + w
                + "\" height=\"" + h + "\"><rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h + "\" fill=\""
                + fill + "\"/></svg>";
    }

    /** Pixel (r, g, b) of image i at (y, x). */
    static int[] rgb(ImageSet set, int i, int y, int x) {
        return new int[] {set.pixel(i, 0, y, x), set.pixel(i, 1, y, x), set.pixel(i, 2, y, x)};
    }
}
