package org.fewgen.cs;

import org.fewgen.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Grids of grayscale images: one row per image set (originals, then each method's reconstructions). */
public final class CsImages {

    private CsImages() {
    }

    /**
     * @param rows each row holds {@code count} images of {@code side·side} pixels in [0, 1]
     * @param scale pixels per image pixel
     */
    public static BufferedImage grid(List<float[]> rows, int side, int count, int scale) {
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

    public static void writePng(Path file, BufferedImage img) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer");
            }
        });
    }
}
