package org.fewgen.metrics;

import org.fewgen.data.ImageSet;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Precision;
import org.fewgen.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Real-set statistics embedded in bf16 and in fp32 are cached apart: FID never mixes the two, and its JSON says which. */
class Bf16StatsCacheTest {

    @TempDir
    Path tmp;

    @Test
    void bf16AndFp32StatisticsAreSeparateCacheEntries() {
        ImageSet set = FidEvaluatorTest.randomImages(20, 8, 1);
        StatsCache cache = new StatsCache(tmp, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        ChannelMomentFeatures net = new ChannelMomentFeatures();
        try (FidEvaluator eval = new FidEvaluator(net, cache, 8, Progress.NONE)) {
            assertThat(eval.realStats(set, 0, false).fromCache()).isFalse();
            try (Autocast.Scope s = Autocast.enter(Precision.BF16)) {
                assertThat(eval.realStats(set, 0, false).fromCache()).as("bf16 after fp32").isFalse();
                assertThat(eval.realStats(set, 0, false).fromCache()).as("bf16 again").isTrue();
            }
            assertThat(eval.realStats(set, 0, false).fromCache()).as("fp32 again").isTrue();
            assertThat(net.imagesEmbedded).isEqualTo(40);

            DatasetStats real = eval.realStats(set, 0, false);
            assertThat(eval.evaluate(real, real, false).toJson().get("network")).as("fp32 FID's JSON")
                    .isEqualTo(net.id());
            try (Autocast.Scope s = Autocast.enter(Precision.BF16)) {
                DatasetStats realBf16 = eval.realStats(set, 0, false);
                assertThat(eval.evaluate(realBf16, realBf16, false).toJson().get("network")).as("bf16 FID's JSON")
                        .isEqualTo(net.id() + "+bf16-activations");
            }
        }
    }
}
