package org.fewgen.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ProceduralShapesTest {

    @Test
    void defaultSetIsDeterministicAndPrefixStable() {
        ImageSet a = ImageSources.load("builtin:shapes", 32, Transform.CENTER_CROP, null, null);
        ImageSet b = ImageSources.load("builtin:shapes", 32, Transform.CENTER_CROP, null, null);
        assertThat(a.size()).isEqualTo(ProceduralShapes.DEFAULT_COUNT).isEqualTo(256);
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
        ImageSet few = ImageSources.load("builtin:shapes:10", 32, Transform.CENTER_CROP, null, null);
        assertThat(few.size()).isEqualTo(10);
        assertThat(few.pixels()).isEqualTo(a.subset(0, 10).pixels());
        ImageSet otherSeed = ProceduralShapes.imageSet("x", 10, 32, 99);
        assertThat(otherSeed.pixels()).isNotEqualTo(few.pixels());
    }

    @Test
    void imagesShowLargeSaturatedShapesOnLightBackgrounds() {
        int r = 64;
        ImageSet set = ProceduralShapes.imageSet("shapes", 64, r, ProceduralShapes.DEFAULT_SEED);
        int distinct = 0;
        for (int i = 0; i < set.size(); i++) {
            // The background (a corner) is light; a good share of the image is a saturated shape colour.
            int[] corner = TestImages.rgb(set, i, 0, 0);
            assertThat(Arrays.stream(corner).min().getAsInt()).as("corner of image %d", i).isGreaterThan(180);
            int saturated = 0;
            for (int y = 0; y < r; y++) {
                for (int x = 0; x < r; x++) {
                    int[] p = TestImages.rgb(set, i, y, x);
                    int max = Math.max(p[0], Math.max(p[1], p[2]));
                    int min = Math.min(p[0], Math.min(p[1], p[2]));
                    if (max - min > 120) {
                        saturated++;
                    }
                }
            }
            assertThat(saturated).as("shape pixels in image %d", i).isGreaterThan(r * r / 20);
            if (i > 0 && !Arrays.equals(set.subset(i, i + 1).pixels(), set.subset(i - 1, i).pixels())) {
                distinct++;
            }
        }
        assertThat(distinct).isEqualTo(set.size() - 1);
    }
}
