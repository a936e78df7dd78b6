package org.fewgen.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.InitLayer;
import org.fewgen.nn.Module;
import org.fewgen.nn.SkipExcitation;
import org.fewgen.nn.SpectralConv2d;
import org.fewgen.nn.UpBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * FastGAN-lite generator (Liu et al. 2021, as configured by Projected GAN's {@code fastgan_lite};
 * Faster Projected GAN swaps its up-block convolutions for depthwise separable ones).
 * {@code z (N, z_dim)} → images {@code (N, 3, R, R)} (unbounded; roughly [−1, 1] after training).
 *
 * <pre>
 * z ─ normalise to the hypersphere ─ init (4×4) ─ feat_8 ─ feat_16 ─ feat_32 ─ feat_64 ─ feat_128 ─ ...
 *                                      │          │         │         ×se_64    ×se_128   ×se_256 ×se_512
 *                                      └──────────┴─────────┴──────── (skip-layer excitation gates)
 * ... ─ feat_R ─ to_big (3×3 conv to RGB)
 * </pre>
 *
 * <p>Module names follow the reference ({@code init.init.0.weight_orig}, {@code feat_8.1.weight_orig},
 * {@code se_64.main.1.weight_orig}, {@code to_big.bias}). Differences: only blocks that the output
 * resolution uses are built (the reference always builds up to {@code feat_256}), and 64² stops
 * after {@code feat_64} with {@code se_64}, which the reference does not support. At 256² and
 * above the layout, and so the parameter count, is the reference's.
 */
public class FastGanGenerator extends Module {

    private static final double[] WIDTH_MULTIPLIER_BY_LOG2 = {
        16, 16, 16, 8, 4, 2, 2, 1, 0.5, 0.25, 0.125 // 1, 2, 4, 8, ..., 1024
    };

    private final GeneratorConfig config;
    private final InitLayer init;
    private final List<UpBlock> ups = new ArrayList<>();
    private final List<String> upNames = new ArrayList<>();
    private final SkipExcitation[] seByLevel = new SkipExcitation[11];
    private final SpectralConv2d toBig;

    public FastGanGenerator(NDManager manager, GeneratorConfig config) {
        super(manager);
        this.config = config;
        boolean separable = config.conv() == ConvKind.DSC;
        init = addChild("init", new InitLayer(manager, config.zDim(), channels(2)));
        int log2Res = Integer.numberOfTrailingZeros(config.resolution());
        for (int level = 3; level <= log2Res; level++) {
            int size = 1 << level;
            String name = "feat_" + size;
            ups.add(addChild(name, new UpBlock(manager, channels(size / 2), channels(size), separable)));
            upNames.add(name);
        }
        // SE gates at 64..512, each driven by the map 16× smaller
        for (int level = 6; level <= Math.min(log2Res, 9); level++) {
            int size = 1 << level;
            seByLevel[level] = addChild("se_" + size,
                    new SkipExcitation(manager, channels(size / 16), channels(size)));
        }
        toBig = addChild("to_big", new SpectralConv2d(manager, channels(config.resolution()), 3, 3, 1, 1, true));
    }

    /** Channels of the feature map at side length {@code size} for this config's ngf. */
    public int channels(int size) {
        return (int) (WIDTH_MULTIPLIER_BY_LOG2[Integer.numberOfTrailingZeros(size)] * config.ngf());
    }

    public GeneratorConfig config() {
        return config;
    }

    /**
     * @param z latents {@code (N, z_dim)}
     * @return images {@code (N, 3, R, R)}
     */
    public NDArray forward(NDArray z) {
        return forward(z, null);
    }

    /**
     * Forward pass that reports each top-level module's output to {@code observer} (for
     * summaries; null for none).
     */
    public NDArray forward(NDArray z, BiConsumer<String, NDArray> observer) {
        if (z.getShape().dimension() != 2 || z.getShape().get(1) != config.zDim()) {
            throw new IllegalArgumentException("generator expects z of shape (N, " + config.zDim() + "), got "
                    + z.getShape());
        }
        NDArray x = init.forward(normalizeSecondMoment(z));
        report(observer, "init", x);
        // maps at 4, 8, 16, 32 drive the SE gates at 64, 128, 256, 512
        NDArray[] byLevel = new NDArray[11];
        byLevel[2] = x;
        for (int i = 0; i < ups.size(); i++) {
            int level = i + 3;
            x = ups.get(i).forward(x);
            report(observer, upNames.get(i), x);
            SkipExcitation se = seByLevel[level];
            if (se != null) {
                x = se.forward(byLevel[level - 4], x);
                report(observer, "se_" + (1 << level), x);
            }
            byLevel[level] = x;
        }
        NDArray img = toBig.forward(x);
        report(observer, "to_big", img);
        return img;
    }

    private static void report(BiConsumer<String, NDArray> observer, String name, NDArray x) {
        if (observer != null) {
            observer.accept(name, x);
        }
    }

    /** {@code x / sqrt(mean(x²) + 1e-8)} per row: latents mapped near the sphere of radius √z_dim. */
    static NDArray normalizeSecondMoment(NDArray z) {
        return z.div(z.square().mean(new int[] {1}, true).add(1e-8f).sqrt());
    }
}
