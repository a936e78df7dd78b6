package org.fewgen.train;

import ai.djl.Device;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tiny GAN runs (the {@link TinyGan} stand-in networks on {@code builtin:shapes}) for tests
 * outside this package, e.g. the dashboard's: real run folders in seconds.
 */
public final class TinyRuns {

    private TinyRuns() {
    }

    /** A tiny run's config: 16² shapes, batch 4, a grid and snapshot every 4 steps, metrics every step. */
    public static TrainConfig config(Path out, double kimg) {
        return TinyGan.config(out).data("builtin:shapes").resolution(16).kimg(kimg).snapKimg(0.016).logEvery(1).build();
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
        try (ImageSetData data = new ImageSetData(ImageSources.load(c.data(), c.resolution(), Transform.CENTER_CROP),
                c.batch(), false, c.seed())) {
            return TrainingRun.start(c, new TinyGan(), data, Device.cpu(), new TrainingRun.Options().progress(slow)
                    .commandLine("fewgen gan train (test)"));
        }
    }
}
