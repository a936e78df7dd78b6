package org.fewgen.train;

import ai.djl.Device;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tiny GAN runs (stand-in networks on {@code builtin:shapes}) for tests outside this package, e.g.
 * the dashboard's: real run folders in seconds.
 */
public final class TinyRuns {

    /**
     * {@link TinyGan}'s discriminator with a generator that draws smooth images (a 4×4 map scaled
     * up bilinearly) instead of per-pixel noise, so that screenshots of its grids read as images.
     */
    static final class SmoothTinyGan implements NetworkFactory {
        static final class Generator extends org.fewgen.nn.Module {
            private final org.fewgen.nn.Linear fc;
            private final org.fewgen.nn.BatchNorm2d bn;
            private final int res;

            Generator(ai.djl.ndarray.NDManager m, TrainConfig c) {
                super(m);
                res = c.generator().resolution();
                fc = addChild("fc", new org.fewgen.nn.Linear(m, c.generator().zDim(), 3 * 4 * 4, true));
                bn = addChild("bn", new org.fewgen.nn.BatchNorm2d(m, 3));
            }

            ai.djl.ndarray.NDArray forward(ai.djl.ndarray.NDArray z) {
                ai.djl.ndarray.NDArray x = fc.forward(z).reshape(new ai.djl.ndarray.types.Shape(z.getShape().get(0), 3, 4, 4));
                return org.fewgen.nn.Resample.bilinear(bn.forward(x), res, res, true).tanh();
            }
        }

        @Override
        public Net generator(ai.djl.ndarray.NDManager manager, TrainConfig config) {
            Generator g = new Generator(manager, config);
            return new Net(g, g::forward);
        }

        @Override
        public Net discriminator(ai.djl.ndarray.NDManager manager, TrainConfig config) {
            return new TinyGan().discriminator(manager, config);
        }
    }

    private TinyRuns() {
    }

    /** A tiny run's config: 64² shapes, batch 4, a grid and snapshot every 4 steps, metrics every step. */
    public static TrainConfig config(Path out, double kimg) {
        return TinyGan.config(out).data("builtin:shapes").kimg(kimg).snapKimg(0.016).logEvery(1).build();
    }

    /** Trains to the end. */
    public static TrainingRun.Result train(TrainConfig c) throws IOException {
        return train(c, 0, null, 0);
    }

    /**
     * Trains to the end, slowly: each logged step waits {@code delayMs}; once {@code holdAtNimg}
     * images are seen, steps wait for {@code release} (at most 60 s) before going on, so that a
     * test can look at a run while it is being trained.
     */
    public static TrainingRun.Result train(TrainConfig c, long delayMs, CountDownLatch release, long holdAtNimg)
            throws IOException {
        return train(c, nimg -> {
            try {
                if (release != null && nimg >= holdAtNimg) {
                    release.await(60, TimeUnit.SECONDS);
                }
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Trains to the end, calling {@code afterLoggedStep} with the images seen after each logged step (before its snapshot). */
    public static TrainingRun.Result train(TrainConfig c, java.util.function.LongConsumer afterLoggedStep) throws IOException {
        Progress slow = new Progress() {
            @Override public void start(long nimg, long totalNimg) { }

            @Override public void update(long nimg, double imgPerSec, String status) {
                afterLoggedStep.accept(nimg);
            }

            @Override public void message(String line) { }
            @Override public void close() { }
        };
        RunSettings run = c.run();
        try (ImageSetData data = new ImageSetData(ImageSources.load(run.data(), c.generator().resolution(),
                Transform.CENTER_CROP), run.batch(), false, run.seed())) {
            return TrainingRun.start(c, new SmoothTinyGan(), data, Device.cpu(), new TrainingRun.Options().progress(slow)
                    .commandLine("fewgen gan train (test)"));
        }
    }
}
