package org.fewgen.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.FastGanGenerator;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.nn.FlopCounter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counter on a whole FastGAN generator against FLOPs worked out from its architecture: every
 * convolution, the init layer's transposed convolution (a matrix product on the 1×1 latent) and
 * the SE gates are counted; backward doubles everything except the init layer, whose input (the
 * latent) needs no gradient.
 */
class GeneratorFlopCountTest {

    private static final int N = 2;
    private static final int NGF = 8;
    private static final int Z = 256;
    private static final int RES = 64;

    @ParameterizedTest
    @EnumSource(ConvKind.class)
    void forwardAndBackwardOfTheGeneratorMatchItsArchitecture(ConvKind kind) {
        try (NDManager m = NDManager.newBaseManager()) {
            FastGanGenerator g = new FastGanGenerator(m, new GeneratorConfig(RES, NGF, Z, kind));
            g.train(true);
            FlopCounter.start();
            FlopCounter.Totals t;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(g.forward(m.randomNormal(new Shape(N, Z))).mean());
            } finally {
                t = FlopCounter.stop();
            }
            long init = 2L * N * Z * 2 * g.channels(4) * 16;
            long expectedForward = init + 2 * multiplyAddsAfterInit(g, kind == ConvKind.DSC);
            assertThat(t.forwardFlops()).isEqualTo(expectedForward);
            assertThat(t.backwardFlops()).isEqualTo(2 * expectedForward - init);
        }
    }

    private static long multiplyAddsAfterInit(FastGanGenerator g, boolean separable) {
        long macs = 0;
        for (int s = 8; s <= RES; s *= 2) {
            long in = g.channels(s / 2);
            long out2 = 2L * g.channels(s);
            long pixels = (long) N * s * s;
            macs += separable ? pixels * in * 9 + pixels * in * out2 : pixels * in * out2 * 9;
            if (s >= 64 && s <= 512) {
                long small = g.channels(s / 16);
                long big = g.channels(s);
                macs += N * big * small * 16 + N * big * big; // 4×4 conv on the pooled map, then 1×1
            }
        }
        return macs + (long) N * RES * RES * 3 * g.channels(RES) * 9; // to_big
    }
}
