package org.fewgen.examples;

import org.fewgen.GanGenerator;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Four images from a trained run: {@code GenerateImages RUN_DIR OUT_DIR}. */
public final class GenerateImages {

    private GenerateImages() {
    }

    /** The library part of the example: three statements. */
    static List<BufferedImage> fourImages(Path runDir) {
        try (GanGenerator g = GanGenerator.load(runDir)) {
            return g.generate(0, 1, 2, 3);
        }
    }

    public static void main(String[] args) throws IOException {
        List<BufferedImage> images = fourImages(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[1]));
        for (int i = 0; i < images.size(); i++) {
            ImageIO.write(images.get(i), "png", out.resolve("seed" + i + ".png").toFile());
        }
        System.out.println("wrote " + images.size() + " images to " + out);
    }
}
