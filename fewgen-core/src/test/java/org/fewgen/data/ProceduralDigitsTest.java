package org.fewgen.data;

import org.fewgen.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProceduralDigitsTest {

    private static final long SEED = ProceduralDigits.DEFAULT_SEED;

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void sameSeedAndIndexGiveTheSamePixelsOthersDiffer() {
        assertThat(pixels(ProceduralDigits.render(7, 32, SEED))).isEqualTo(pixels(ProceduralDigits.render(7, 32, SEED)));
        assertThat(pixels(ProceduralDigits.render(8, 32, SEED))).isNotEqualTo(pixels(ProceduralDigits.render(7, 32, SEED)));
        // Another seed gives another drawing of the same index.
        assertThat(pixels(ProceduralDigits.render(7, 32, SEED + 1))).isNotEqualTo(pixels(ProceduralDigits.render(7, 32, SEED)));
    }

    @Test
    void smallerSetIsAPrefixOfALargerOne() {
        ImageSet few = ProceduralDigits.imageSet("d", 7, 32, SEED);
        ImageSet more = ProceduralDigits.imageSet("d", 25, 32, SEED);
        assertThat(few.pixels()).isEqualTo(more.subset(0, 7).pixels());
    }

    @Test
    void allTenClassesAppearInTheFirstHundredAndEveryBlockOfTen() {
        Set<Integer> first100 = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int d = ProceduralDigits.digitOf(i, SEED);
            assertThat(d).isBetween(0, 9);
            first100.add(d);
        }
        assertThat(first100).hasSize(10);
        Set<Integer> block = new HashSet<>();
        for (int i = 30; i < 40; i++) {
            block.add(ProceduralDigits.digitOf(i, SEED));
        }
        assertThat(block).hasSize(10);
    }

    @Test
    void imagesAreLightStrokesOnADarkBackground() {
        int r = 64;
        ImageSet set = ProceduralDigits.imageSet("digits", 30, r, SEED);
        for (int i = 0; i < set.size(); i++) {
            double sum = 0;
            int bright = 0;
            for (int y = 0; y < r; y++) {
                for (int x = 0; x < r; x++) {
                    int[] p = TestImages.rgb(set, i, y, x);
                    // Grey: R = G = B, as MNIST.
                    assertThat(p[1]).isEqualTo(p[0]);
                    assertThat(p[2]).isEqualTo(p[0]);
                    sum += p[0] / 255.0;
                    if (p[0] > 0.9 * 255) {
                        bright++;
                    }
                }
            }
            double mean = sum / (r * r);
            assertThat(mean).as("mean brightness of image %d", i).isBetween(0.05, 0.35);
            assertThat(bright).as("white stroke pixels of image %d", i).isGreaterThan(r * r / 50);
        }
    }

    @Test
    void digitsAreCentredByMassWithSoftEdgesAsInMnist() {
        int r = 64;
        int soft = 0;
        for (int i = 0; i < 40; i++) {
            BufferedImage img = ProceduralDigits.render(i, r, SEED);
            double[] mass = ProceduralDigits.centreOfMass(img);
            // The antialiased redraw moves the centre by a fraction of a pixel at most.
            assertThat(mass[0]).as("centre of mass x of image %d", i).isCloseTo(r / 2.0, within(0.35));
            assertThat(mass[1]).as("centre of mass y of image %d", i).isCloseTo(r / 2.0, within(0.35));
            for (int v : pixels(img)) {
                int grey = v & 0xFF;
                soft += grey > 25 && grey < 230 ? 1 : 0;
            }
        }
        // MNIST at 64x64 has about as many edge pixels (grey between 0.1 and 0.9) as stroke pixels.
        assertThat(soft / (40.0 * r * r)).isGreaterThan(0.08);
    }

    @Test
    void loadsThroughImageSourcesAndLabelsRuns() {
        ImageSet set = ImageSources.load("builtin:digits:20", 64, Transform.CENTER_CROP, null, null);
        assertThat(set.size()).isEqualTo(20);
        assertThat(set.resolution()).isEqualTo(64);
        assertThat(set.pixels()).hasSize(20 * 3 * 64 * 64);
        assertThat(set.pixels()).isEqualTo(ProceduralDigits.imageSet("x", 20, 64, SEED).pixels());
        assertThat(ImageSources.resolve("builtin:digits", null).kind()).isEqualTo(ImageSources.Kind.DIGITS);
        assertThat(ImageSources.resolve("builtin:digits", null).limit()).isZero();
        assertThat(TrainConfig.dataLabel("builtin:digits")).isEqualTo("digits");
    }

    @Test
    void cachedCopyIsKeptApartFromShapes(@TempDir Path cache) throws Exception {
        // Same count and resolution as a shapes set: the cache key must still tell the two apart.
        ImageSet shapes = ImageSources.load("builtin:shapes:5", 32, Transform.CENTER_CROP, cache, null);
        ImageSet digits = ImageSources.load("builtin:digits:5", 32, Transform.CENTER_CROP, cache, null);
        ImageSet again = ImageSources.load("builtin:digits:5", 32, Transform.CENTER_CROP, cache, null);
        assertThat(digits.pixels()).isNotEqualTo(shapes.pixels()).isEqualTo(again.pixels());
        try (var files = Files.list(cache)) {
            assertThat(files.count()).isEqualTo(2);
        }
    }
}
