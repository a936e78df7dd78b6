package org.fewgen;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import org.fewgen.train.Progress;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.Training;
import org.fewgen.train.TrainingRun;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Map;

/**
 * Trains a Faster Projected GAN: the FastGAN-lite generator (standard or depthwise separable
 * convolutions) against the projected discriminator, in a numbered run folder under
 * {@link org.fewgen.train.RunSettings#out()} with snapshots, fakes grids and {@code metrics.jsonl},
 * exactly as {@code fewgen gan train} does. A {@link TrainConfig} checks its settings when it is
 * built ({@link org.fewgen.util.SettingException} names the setting), so a config that exists is
 * one the command would accept too.
 *
 * <pre>{@code
 * TrainConfig config = TrainConfig.builder().data("builtin:shapes").resolution(64).kimg(2).build();
 * FastGan.Result r = FastGan.train(config, FastGan.Listener.NONE);
 * try (GanGenerator g = r.generator()) { ... }
 * }</pre>
 */
public final class FastGan {

    private static final Gson GSON = new Gson();
    private static final Type MAP = new TypeToken<Map<String, Object>>() { }.getType();

    private FastGan() {
    }

    /** Callbacks from a training run, all on the training thread; every method has a no-op default. */
    public interface Listener {
        /** Calls nothing. */
        Listener NONE = new Listener() { };

        /**
         * Every {@link org.fewgen.train.RunSettings#logEvery()} steps.
         *
         * @param nimg real images shown to D so far
         * @param totalNimg images at the end of training
         * @param imagesPerSecond training speed over the last interval
         * @param status the last losses, e.g. {@code G -0.12 D 1.93}
         */
        default void progress(long nimg, long totalNimg, double imagesPerSecond, String status) { }

        /** A line a person should see: snapshot written, non-finite loss, reload, resume. */
        default void message(String line) { }

        /**
         * Every record written to {@code metrics.jsonl}: step lines ({@code kimg}, {@code loss_G},
         * {@code loss_D}, {@code d_real}, {@code d_fake}, ...), events ({@code event}: snapshot,
         * metric, nonfinite, ...). Numbers are Doubles.
         */
        default void record(Map<String, Object> fields) { }
    }

    /**
     * Where a finished run left its files.
     *
     * @param runDir the run folder
     * @param snapshot its last snapshot
     * @param nimg images shown to D
     * @param seconds wall time of this call
     */
    public record Result(Path runDir, Path snapshot, long nimg, double seconds) {
        /** The trained EMA generator, on the GPU when DJL sees one (close it). */
        public GanGenerator generator() {
            return GanGenerator.load(snapshot);
        }
    }

    /**
     * Trains a new run.
     *
     * @throws IllegalArgumentException naming the data source, weights file or device that cannot be
     *     used; nothing is created on disk then
     */
    public static Result train(TrainConfig config, Listener listener) {
        return run(config, null, listener);
    }

    /** Continues {@code runDir} from its newest complete snapshot up to {@code config.run().kimg()}. */
    public static Result resume(TrainConfig config, Path runDir, Listener listener) {
        return run(config, runDir, listener);
    }

    private static Result run(TrainConfig config, Path resume, Listener listener) {
        Listener l = listener == null ? Listener.NONE : listener;
        TrainingRun.Options options = new TrainingRun.Options()
                .progress(progressOf(l))
                .commandLine("org.fewgen.FastGan.train")
                .records((JsonObject o) -> l.record(GSON.fromJson(o, MAP)));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
            TrainingRun.Result r = Training.launch(config, resume, quiet, null, options);
            return new Result(r.runDir(), r.lastSnapshot(), r.nimg(), r.seconds());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Progress progressOf(Listener l) {
        return new Progress() {
            private long total;

            @Override
            public void start(long nimg, long totalNimg) {
                total = totalNimg;
            }

            @Override
            public void update(long nimg, double imgPerSec, String status) {
                l.progress(nimg, total, imgPerSec, status);
            }

            @Override
            public void message(String line) {
                l.message(line);
            }

            @Override
            public void close() {
            }
        };
    }
}
