package org.fewgen.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchLoaderTest {

    private static final int R = 8;
    private static final int PER = 3 * R * R;

    /** Ten images whose every pixel encodes the image index, with a left-right gradient to see mirroring. */
    private static ImageSet numbered(int n) {
        byte[] px = new byte[n * PER];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < R; y++) {
                    for (int x = 0; x < R; x++) {
                        px[i * PER + (c * R + y) * R + x] = (byte) (c == 0 ? i * 20 : c == 1 ? x * 30 : 255);
                    }
                }
            }
        }
        return ImageSet.of("numbered", R, px, List.of());
    }

    /** Image index and mirroring of sample j of a batch, read back from the floats. */
    private static int indexOf(float[] batch, int j) {
        return Math.round((batch[j * PER] + 1f) * 127.5f / 20f);
    }

    private static boolean mirrored(float[] batch, int j) {
        return batch[j * PER + R * R] > batch[j * PER + R * R + R - 1];
    }

    @Test
    void sameSeedSameBatchesWhateverTheOrderOfRequests() {
        ImageSet set = numbered(10);
        try (BatchLoader a = new BatchLoader(set, 4, true, 7); BatchLoader b = new BatchLoader(set, 4, true, 7);
             BatchLoader other = new BatchLoader(set, 4, true, 8)) {
            float[][] sequential = new float[8][];
            for (int s = 0; s < 8; s++) {
                sequential[s] = a.batch(s);
            }
            // A resumed run jumps straight to step 5.
            assertThat(b.batch(5)).isEqualTo(sequential[5]);
            assertThat(b.batch(6)).isEqualTo(sequential[6]);
            assertThat(b.batch(2)).isEqualTo(sequential[2]);
            boolean differs = false;
            for (int s = 0; s < 8; s++) {
                differs |= !Arrays.equals(other.batch(s), sequential[s]);
            }
            assertThat(differs).as("another seed gives other batches").isTrue();
            assertThat(a.batchSize()).isEqualTo(4);
        }
    }

    @Test
    void valuesAreScaledPixelsInMinusOneToOne() {
        ImageSet set = numbered(10);
        try (BatchLoader loader = new BatchLoader(set, 3, false, 1)) {
            float[] batch = loader.batch(0);
            assertThat(batch).hasSize(3 * PER);
            for (float v : batch) {
                assertThat(v).isBetween(-1f, 1f);
            }
            for (int j = 0; j < 3; j++) {
                int i = indexOf(batch, j);
                for (int p = 0; p < PER; p++) {
                    assertThat(batch[j * PER + p]).isEqualTo((set.pixels()[i * PER + p] & 0xff) / 127.5f - 1f);
                }
            }
            float[] blue = Arrays.copyOfRange(batch, 2 * R * R, 3 * R * R);
            for (float v : blue) {
                assertThat(v).isEqualTo(1f);
            }
        }
    }

    @Test
    void everyImageOncePerEpoch() {
        ImageSet set = numbered(10);
        try (BatchLoader loader = new BatchLoader(set, 5, false, 3)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                Set<Integer> seen = new HashSet<>();
                for (int s = 2 * epoch; s < 2 * epoch + 2; s++) {
                    float[] batch = loader.batch(s);
                    for (int j = 0; j < 5; j++) {
                        seen.add(indexOf(batch, j));
                    }
                }
                assertThat(seen).hasSize(10);
            }
            // Epochs are shuffled differently.
            assertThat(loader.batch(0)).isNotEqualTo(loader.batch(2));
        }
    }

    @Test
    void xflipMirrorsAboutHalfOfTheSamplesExactly() {
        ImageSet set = numbered(10);
        int flipped = 0;
        int total = 0;
        try (BatchLoader loader = new BatchLoader(set, 10, true, 11);
             BatchLoader plain = new BatchLoader(set, 10, false, 11)) {
            for (int s = 0; s < 40; s++) {
                float[] batch = loader.batch(s);
                float[] unflipped = plain.batch(s);
                for (int j = 0; j < 10; j++) {
                    total++;
                    assertThat(indexOf(batch, j)).isEqualTo(indexOf(unflipped, j));
                    if (mirrored(batch, j)) {
                        flipped++;
                        for (int row = 0; row < 3 * R; row++) {
                            for (int x = 0; x < R; x++) {
                                assertThat(batch[j * PER + row * R + x])
                                        .isEqualTo(unflipped[j * PER + row * R + R - 1 - x]);
                            }
                        }
                    } else {
                        assertThat(Arrays.copyOfRange(batch, j * PER, (j + 1) * PER))
                                .isEqualTo(Arrays.copyOfRange(unflipped, j * PER, (j + 1) * PER));
                    }
                }
                for (int j = 0; j < 10; j++) {
                    assertThat(mirrored(unflipped, j)).isFalse();
                }
            }
        }
        assertThat(flipped).isBetween(total * 2 / 5, total * 3 / 5);
    }

    @Test
    void batchLargerThanTheSetAndBadArguments() {
        ImageSet set = numbered(3);
        try (BatchLoader loader = new BatchLoader(set, 7, false, 0)) {
            float[] batch = loader.batch(0);
            Set<Integer> seen = new HashSet<>();
            for (int j = 0; j < 7; j++) {
                seen.add(indexOf(batch, j));
            }
            assertThat(seen).containsExactlyInAnyOrder(0, 1, 2);
            assertThatThrownBy(() -> loader.batch(-1)).hasMessageContaining("step");
        }
        assertThatThrownBy(() -> new BatchLoader(set, 0, false, 0)).hasMessageContaining("batch size");
        BatchLoader closed = new BatchLoader(set, 2, false, 0);
        closed.close();
        assertThatThrownBy(() -> closed.batch(0)).hasMessageContaining("closed");
    }

    @Test
    void batchesArePreparedOnABackgroundThread() throws Exception {
        ImageSet set = numbered(10);
        try (BatchLoader loader = new BatchLoader(set, 4, false, 5)) {
            loader.batch(0);
            // The next steps were queued when step 0 was asked for; wait until the worker has built them.
            long deadline = System.nanoTime() + 5_000_000_000L;
            Thread worker = null;
            while (worker == null && System.nanoTime() < deadline) {
                worker = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("fewgen-batches")).findFirst().orElse(null);
                Thread.sleep(5);
            }
            assertThat(worker).as("background batch thread").isNotNull();
            assertThat(worker.isDaemon()).isTrue();
        }
    }
}
