package org.fewgen.metrics;

import org.fewgen.util.Progress;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.fewgen.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FidEvaluatorTest {

    @TempDir
    Path tmp;

    static ImageSet randomImages(int n, int r, long seed) {
        byte[] px = new byte[n * 3 * r * r];
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            // each image gets its own brightness per channel, so features vary between images
            int[] base = {rng.nextInt(150), rng.nextInt(150), rng.nextInt(150)};
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < r * r; p++) {
                    px[(i * 3 + c) * r * r + p] = (byte) (base[c] + rng.nextInt(100));
                }
            }
        }
        return ImageSet.of("test", r, px, List.of());
    }

    /** The images of {@code set} as a generator of float batches in [-1, 1], optionally brightened. */
    private static IntFunction<NDArray> replay(ImageSet set, NDManager m, float add) {
        int[] next = {0};
        return n -> {
            NDArray u8 = FidEvaluator.batchesOf(set.subset(next[0], next[0] + n), n, n, m).next();
            next[0] += n;
            return u8.toType(DataType.FLOAT32, false).div(127.5f).sub(1f).add(add).clip(-1f, 1f);
        };
    }

    @Test
    void theBundledMobileNetV2TellsItsOwnImagesFromBrightenedOnes() {
        ImageSet set = randomImages(12, 32, 3);
        try (FidEvaluator eval = FidEvaluator.openBundled(ai.djl.Device.cpu(), 6, false, Progress.NONE,
                new PrintStream(java.io.OutputStream.nullOutputStream()));
             NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            assertThat(eval.network().dimension()).isEqualTo(1280);
            assertThat(eval.network().standard()).isFalse();
            assertThat(eval.network().describe()).contains("not an FID");
            DatasetStats real = eval.realStats(set, 0, true);
            double same = eval.evaluate(real, replay(set, m, 0f), 12, false).fid();
            double brighter = eval.evaluate(real, replay(set, m, 0.5f), 12, false).fid();
            assertThat(same).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-3));
            assertThat(brighter).isGreaterThan(1);
        }
    }

    @Test
    void realStatsAreCachedAndReused() {
        ImageSet set = randomImages(40, 8, 1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StatsCache cache = new StatsCache(tmp, new PrintStream(log, true, StandardCharsets.UTF_8));
        ChannelMomentFeatures net = new ChannelMomentFeatures();
        try (FidEvaluator eval = new FidEvaluator(net, cache, 16, Progress.NONE)) {
            DatasetStats first = eval.realStats(set, 0, true);
            assertThat(first.fromCache()).isFalse();
            assertThat(net.imagesEmbedded).isEqualTo(40);
            DatasetStats second = eval.realStats(set, 0, true);
            assertThat(second.fromCache()).isTrue();
            assertThat(net.imagesEmbedded).as("cache hit embeds nothing").isEqualTo(40);
            assertThat(second.gaussian().mean()).containsExactly(first.gaussian().mean());
            assertThat(second.gaussian().covariance().data).containsExactly(first.gaussian().covariance().data);
            assertThat(second.features()).containsExactly(first.features());

            // a different count is a different entry
            DatasetStats part = eval.realStats(set, 30, false);
            assertThat(part.fromCache()).isFalse();
            assertThat(part.count()).isEqualTo(30);
            assertThat(net.imagesEmbedded).isEqualTo(70);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void corruptCacheFileIsReportedIgnoredAndRewritten() throws Exception {
        ImageSet set = randomImages(12, 8, 2);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StatsCache cache = new StatsCache(tmp, new PrintStream(log, true, StandardCharsets.UTF_8));
        ChannelMomentFeatures net = new ChannelMomentFeatures();
        try (FidEvaluator eval = new FidEvaluator(net, cache, 5, Progress.NONE)) {
            DatasetStats fresh = eval.realStats(set, 0, false);
            Path file = cache.file(new StatsCache.Key(set.fingerprint(), net.id(), 8, 12));
            assertThat(file).exists();
            Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
            DatasetStats rebuilt = eval.realStats(set, 0, false);
            assertThat(rebuilt.fromCache()).isFalse();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("ignoring unreadable statistics cache file")
                    .contains(file.toString());
            assertThat(rebuilt.gaussian().mean()).containsExactly(fresh.gaussian().mean());
            assertThat(eval.realStats(set, 0, false).fromCache()).as("rewritten").isTrue();
            assertThat(tmp.resolve("stats")).isDirectoryNotContaining("glob:**.tmp");
        }
    }

    @Test
    void fidOfReplayedRealImagesIsZeroAndBrighteningRaisesFidAndKid() {
        ImageSet set = randomImages(60, 8, 3);
        ChannelMomentFeatures net = new ChannelMomentFeatures();
        try (NDManager m = NDManager.newBaseManager();
             FidEvaluator eval = new FidEvaluator(net, null, 7, Progress.NONE)) {
            DatasetStats real = eval.realStats(set, 0, true);
            FidEvaluator.Result same = eval.evaluate(real, replay(set, m, 0f), 60, true);
            // uint8 vs float path differ only by float rounding
            assertThat(same.fid()).isCloseTo(0, within(1e-6));
            assertThat(same.fakeCount()).isEqualTo(60);
            assertThat(same.kid().subsetSize()).isEqualTo(60);
            FidEvaluator.Result bright = eval.evaluate(real, replay(set, m, 0.3f), 60, true);
            assertThat(bright.fid()).isGreaterThan(0.01);
            assertThat(bright.kid().mean()).isGreaterThan(Math.abs(same.kid().mean()) * 10);
            assertThat(bright.report()).contains("FID ").contains("KID ").contains("channel moments (test double)")
                    .contains(FidEvaluator.Result.NOT_STANDARD_WARNING);
            assertThat(bright.toJson()).containsEntry("standard_fid_network", false).containsKey("kid_mean");
            assertThat(m.getManagedArrays()).as("generator batches are closed after use").isEmpty();
        }
    }
}
