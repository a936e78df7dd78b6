package org.fewgen.train;

import ai.djl.Device;
import com.google.gson.JsonObject;
import org.fewgen.io.AtomicFiles;
import org.fewgen.io.RunLock;
import org.fewgen.util.GracefulStop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * A whole training run in a run folder: writes {@code config.json}, {@code reals.png},
 * {@code fakes_init.png}, then steps, logging to {@code metrics.jsonl} and the progress reporter,
 * and writes a fakes grid and a snapshot every {@code --snap} kimg and at the end.
 *
 * <p>Non-finite losses: the step's update is skipped and logged (metrics event
 * {@code nonfinite}); after {@code maxNonFinite} consecutive ones the newest complete snapshot is
 * reloaded (event {@code reload}) and training continues with fresh randomness, which is said in
 * the log. Nothing (learning rate, batch) is changed behind the user's back; after
 * {@link #MAX_RELOADS} reloads the run stops with an error.
 */
public final class TrainingRun {

    /** Reloads after repeated non-finite losses before the run gives up. */
    public static final int MAX_RELOADS = 3;

    /** Optional parts of a run. */
    public static final class Options {
        Progress progress = Progress.silent();
        PhaseTimer timer;
        LongPredicate nonFiniteInjector;
        String commandLine = "";
        double metricEveryKimg;
        MetricHook metricHook;
        java.util.function.Consumer<JsonObject> records;

        public Options progress(Progress p) { progress = p; return this; }
        public Options phaseTimer(PhaseTimer t) { timer = t; return this; }
        /** Test hook: steps for which the G loss is made NaN. */
        public Options nonFiniteInjector(LongPredicate p) { nonFiniteInjector = p; return this; }
        public Options commandLine(String c) { commandLine = c; return this; }
        /** Also hands every metrics.jsonl record (step lines, events, metric values) to {@code c}. */
        public Options records(java.util.function.Consumer<JsonObject> c) { records = c; return this; }
        java.util.function.BooleanSupplier stopRequested = GracefulStop::requested;
        int stopExitCode = 0;
        /** Test hook: when to stop as after SIGINT/SIGTERM (default: {@link GracefulStop#requested()}). */
        public Options stopWhen(java.util.function.BooleanSupplier s, int exitCode) {
            stopRequested = s;
            stopExitCode = exitCode;
            return this;
        }
        /** Evaluates {@code hook} every {@code everyKimg} kimg and at the end; results go to metrics.jsonl. */
        public Options metric(double everyKimg, MetricHook hook) {
            metricEveryKimg = everyKimg;
            metricHook = hook;
            return this;
        }
    }

    /** A quality metric computed during training (FID/KID of the EMA generator). */
    public interface MetricHook {
        /** @return the fields of one {@code metric} event (e.g. {@code fid}, {@code kid_mean}) */
        JsonObject evaluate(GanTrainer trainer) throws IOException;
    }

    /** Where a finished run left its files. */
    public record Result(Path runDir, Path lastSnapshot, Path lastFakes, Path metrics, long steps, long nimg,
                         double seconds) {
    }

    private TrainingRun() {
    }

    /**
     * Trains from scratch in a new numbered folder under {@code config.run().out()}. The folder is made
     * only after the networks (and their weights files) were built, so a failed start leaves none.
     */
    public static Result start(TrainConfig config, NetworkFactory factory, TrainingData data, Device device,
                               Options options) throws IOException {
        return run(config, factory, data, device, null, options);
    }

    /**
     * Continues a run in its own folder from its newest complete snapshot.
     *
     * @throws IllegalArgumentException when the folder has no complete snapshot
     * @throws IllegalStateException when another process holds the folder
     */
    public static Result resume(TrainConfig config, NetworkFactory factory, TrainingData data, Device device,
                                RunDir run, Options options) throws IOException {
        return run(config, factory, data, device, run, options);
    }

    private static Result run(TrainConfig config, NetworkFactory factory, TrainingData data, Device device,
                              RunDir resumeDir, Options options) throws IOException {
        int resolution = config.generator().resolution();
        if (data.resolution() != resolution) {
            throw new org.fewgen.util.SettingException("data", config.run().data(), "has resolution "
                    + data.resolution() + ", expected the configured " + resolution);
        }
        Progress progress = options.progress;
        RunLock lock = null;
        try {
            Path resumeFrom = null;
            if (resumeDir != null) {
                // before anything else: a second --resume of a busy folder fails at once
                lock = RunLock.acquire(resumeDir.path(), progress::message);
                for (Path p : lock.removeLeftoverTemporaryFiles()) {
                    progress.message("removed " + p.getFileName() + ", left by an interrupted write");
                }
                resumeFrom = Snapshot.latestComplete(resumeDir.path(), progress::message).orElseThrow(() ->
                        new IllegalArgumentException(resumeDir + ": no complete snapshot to resume from"));
            }
            try (GanTrainer trainer = new GanTrainer(config, factory, device)) {
                if (resumeFrom != null) {
                    // before config.json is rewritten: a snapshot that fails to load leaves the folder as it was
                    trainer.loadSnapshot(resumeFrom);
                }
                RunDir run = resumeDir;
                if (run == null) {
                    run = RunDir.create(Path.of(config.run().out()), config.description());
                    lock = RunLock.acquire(run.path(), progress::message);
                }
                JsonObject cfg = new JsonObject();
                cfg.add("config", config.toJsonObject());
                cfg.add("provenance", Provenance.describe(options.commandLine, device, data.fingerprint()));
                if (resumeFrom != null) {
                    cfg.addProperty("resumed_from", resumeFrom.getFileName().toString());
                }
                run.writeConfig(cfg);
                try (MetricsLog metrics = new MetricsLog(run.resolve(RunDir.METRICS), options.records)) {
                    trainer.setPhaseTimer(options.timer);
                    trainer.setNonFiniteInjector(options.nonFiniteInjector);
                    if (resumeFrom == null) {
                        int n = Math.min(GanTrainer.GRID_IMAGES, data.size());
                        ImageGrid.writePng(run.resolve(RunDir.REALS), ImageGrid.grid(data.firstImages(n), n,
                                config.generator().resolution(), ImageGrid.columnsFor(n)));
                        writeFakes(trainer, run.resolve(RunDir.FAKES_INIT));
                        JsonObject e = new JsonObject();
                        e.add("config", config.toJsonObject());
                        metrics.event("start", e);
                    } else {
                        JsonObject e = new JsonObject();
                        e.addProperty("snapshot", resumeFrom.getFileName().toString());
                        e.addProperty("step", trainer.step());
                        e.addProperty("kimg", trainer.nimg() / 1000.0);
                        metrics.event("resume", e);
                        progress.message("resumed " + run + " from " + resumeFrom.getFileName() + " at kimg "
                                + fmt(trainer.nimg() / 1000.0));
                    }
                    try {
                        return loop(config, data, device, run, trainer, metrics, progress, options);
                    } catch (GracefulStop.Stopped e) {
                        throw e; // logged as "stopped": a signal, not a failure
                    } catch (IOException | RuntimeException | Error e) {
                        // so that a dashboard can tell a failed run from one that was stopped
                        JsonObject failed = new JsonObject();
                        failed.addProperty("step", trainer.step());
                        failed.addProperty("kimg", trainer.nimg() / 1000.0);
                        failed.addProperty("message", String.valueOf(e.getMessage()));
                        try {
                            metrics.event("failed", failed);
                        } catch (RuntimeException ignored) {
                            // the original failure is what matters
                        }
                        throw e;
                    }
                }
            }
        } finally {
            try {
                if (lock != null) {
                    lock.close();
                }
            } finally {
                progress.close();
            }
        }
    }

    private static Result loop(TrainConfig config, TrainingData data, Device device, RunDir run, GanTrainer trainer,
                               MetricsLog metrics, Progress progress, Options options) throws IOException {
        long totalSteps = config.run().totalSteps();
        long metricImages = options.metricHook == null ? Long.MAX_VALUE
                : Math.max(1, Math.round(options.metricEveryKimg * 1000));
        long nextMetric = options.metricHook == null ? Long.MAX_VALUE
                : (trainer.nimg() / metricImages + 1) * metricImages;
        long snapImages = Math.max(1, Math.round(config.run().snapKimg() * 1000));
        long nextSnap = (trainer.nimg() / snapImages + 1) * snapImages;
        Path lastSnapshot = null;
        Path lastFakes = null;
        int consecutiveNonFinite = 0;
        int reloads = 0;
        if (options.metricHook != null && trainer.step() == 0 && totalSteps > 0) {
            // a fresh run's curve starts at the untrained generator, the baseline every later value is read against
            logMetric(trainer, metrics, progress, options.metricHook);
        }
        progress.start(trainer.nimg(), totalSteps * config.run().batch());
        long windowStart = System.nanoTime();
        long windowImages = 0;
        long lastTick = System.nanoTime();
        while (trainer.step() < totalSteps) {
            boolean logStep = (trainer.step() + 1) % config.run().logEvery() == 0 || trainer.step() + 1 == totalSteps;
            GanTrainer.StepResult r = trainer.trainStep(data, logStep);
            long now = System.nanoTime();
            trainer.addTrainSeconds((now - lastTick) / 1e9);
            lastTick = now;
            windowImages += config.run().batch();
            if (r.nonFinite()) {
                consecutiveNonFinite++;
                String which = r.gSkipped() ? "G" : "D";
                JsonObject e = new JsonObject();
                e.addProperty("step", r.step());
                e.addProperty("kimg", trainer.nimg() / 1000.0);
                e.addProperty("phase", which);
                e.addProperty("loss", r.gSkipped() ? r.lossG() : r.lossD());
                e.addProperty("consecutive", consecutiveNonFinite);
                metrics.event("nonfinite", e);
                progress.message(String.format(Locale.ROOT,
                        "warning: non-finite %s loss at step %d: %s update skipped (%d in a row)", which, r.step(),
                        which, consecutiveNonFinite));
                if (consecutiveNonFinite >= config.run().maxNonFinite()) {
                    reloads++;
                    reload(trainer, run, metrics, progress, consecutiveNonFinite, reloads);
                    consecutiveNonFinite = 0;
                    nextSnap = (trainer.nimg() / snapImages + 1) * snapImages;
                    lastTick = System.nanoTime();
                }
                continue;
            }
            consecutiveNonFinite = 0;
            checkDivergence(config, run, metrics, trainer, r, logStep);
            if (logStep) {
                double seconds = (now - windowStart) / 1e9;
                double imgPerSec = windowImages / Math.max(seconds, 1e-9);
                metrics.write(metricsLine(trainer, r, imgPerSec, device));
                progress.update(trainer.nimg(), imgPerSec, String.format(Locale.ROOT, "G %.3f D %.3f",
                        r.lossG(), r.lossD()));
                windowStart = now;
                windowImages = 0;
            }
            boolean end = trainer.step() >= totalSteps;
            if (trainer.nimg() >= nextSnap || end) {
                lastFakes = run.fakes(trainer.nimg());
                writeFakes(trainer, lastFakes);
                lastSnapshot = snapshot(trainer, run, metrics, progress);
                nextSnap = (trainer.nimg() / snapImages + 1) * snapImages;
                lastTick = System.nanoTime();
            }
            if (options.stopRequested.getAsBoolean() && !end) {
                if (lastSnapshot == null || !lastSnapshot.equals(run.snapshot(trainer.nimg()))) {
                    lastFakes = run.fakes(trainer.nimg());
                    writeFakes(trainer, lastFakes);
                    lastSnapshot = snapshot(trainer, run, metrics, progress);
                }
                JsonObject e = new JsonObject();
                e.addProperty("step", trainer.step());
                e.addProperty("kimg", trainer.nimg() / 1000.0);
                e.addProperty("signal", GracefulStop.signalName());
                metrics.event("stopped", e);
                int code = options.stopExitCode != 0 ? options.stopExitCode : GracefulStop.exitCode();
                throw new GracefulStop.Stopped(String.format(Locale.ROOT,
                        "stopped at step %d (kimg %s) on %s; snapshot %s written. Resume with: fewgen gan train"
                                + " --resume %s", trainer.step(), fmt(trainer.nimg() / 1000.0),
                        GracefulStop.signalName(), lastSnapshot.getFileName(), run), code);
            }
            if (options.metricHook != null && (trainer.nimg() >= nextMetric || end)) {
                logMetric(trainer, metrics, progress, options.metricHook);
                nextMetric = (trainer.nimg() / metricImages + 1) * metricImages;
                lastTick = System.nanoTime();
            }
        }
        if (lastSnapshot == null) {
            // resumed a run that was already complete: point at what is there
            lastSnapshot = Snapshot.latestComplete(run.path(), progress::message).orElse(null);
        }
        JsonObject e = new JsonObject();
        e.addProperty("step", trainer.step());
        e.addProperty("kimg", trainer.nimg() / 1000.0);
        e.addProperty("train_seconds", trainer.trainSeconds());
        e.addProperty("peak_rss_mib", MemoryStats.peakRssMiB());
        metrics.event("end", e);
        return new Result(run.path(), lastSnapshot, lastFakes, metrics.file(), trainer.step(), trainer.nimg(),
                trainer.trainSeconds());
    }

    /**
     * Losses of this magnitude are far outside any normal Faster Projected GAN run (hinge D loss
     * stays below ~10, G loss is minus a mean logit), but a too-large learning rate reaches them
     * with finite values, and such a run trained to the end with weights of 1e10.
     */
    static final double DIVERGED_LOSS = 1e4;
    /** Adam moves a weight by about lr per step: 1e4 needs millions of default steps. */
    static final double DIVERGED_WEIGHT = 1e4;

    private static void checkDivergence(TrainConfig config, RunDir run, MetricsLog metrics, GanTrainer trainer,
                                        GanTrainer.StepResult r, boolean checkWeights) {
        String what = null;
        double value = 0;
        if (Math.abs(r.lossD()) > DIVERGED_LOSS) {
            what = "|loss_D|";
            value = Math.abs(r.lossD());
        } else if (Math.abs(r.lossG()) > DIVERGED_LOSS) {
            what = "|loss_G|";
            value = Math.abs(r.lossG());
        } else if (checkWeights) {
            double g = maxAbs(trainer.generator(), false);
            // only D's heads learn; the frozen feature network's weights are whatever the file holds
            double d = maxAbs(trainer.discriminator(), true);
            if (g > DIVERGED_WEIGHT || d > DIVERGED_WEIGHT) {
                what = g >= d ? "largest |G weight|" : "largest |D weight|";
                value = Math.max(g, d);
            }
        }
        if (what == null) {
            return;
        }
        JsonObject e = new JsonObject();
        e.addProperty("step", r.step());
        e.addProperty("kimg", trainer.nimg() / 1000.0);
        e.addProperty("what", what);
        e.addProperty("value", value);
        metrics.event("diverged", e);
        throw new IllegalStateException(String.format(Locale.ROOT,
                "training diverged at step %d: %s = %.3g, far outside the normal range (below %.0e); the likely cause"
                        + " is a too-large learning rate (--lr %s, default %s): resume an earlier snapshot with a smaller"
                        + " one, e.g. fewgen gan train --resume %s --lr %s", r.step(), what, value,
                DIVERGED_LOSS, config.optimizer().lr(), OptimizerConfig.DEFAULT_LR, run, OptimizerConfig.DEFAULT_LR));
    }

    private static double maxAbs(org.fewgen.nn.Module module, boolean trainableOnly) {
        double max = 0;
        for (ai.djl.ndarray.NDArray p : module.namedParameters().values()) {
            if (p.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32 && p.size() > 0
                    && (!trainableOnly || p.hasGradient())) {
                try (ai.djl.ndarray.NDArray a = p.abs(); ai.djl.ndarray.NDArray m = a.max()) {
                    max = Math.max(max, m.getFloat());
                }
            }
        }
        return max;
    }

    private static void reload(GanTrainer trainer, RunDir run, MetricsLog metrics, Progress progress, int count,
                               int reloads) throws IOException {
        long failedStep = trainer.step() - 1;
        Optional<Path> snap = Snapshot.latestComplete(run.path(), progress::message);
        if (snap.isEmpty()) {
            throw new IllegalStateException(count + " consecutive non-finite losses up to step " + failedStep
                    + " and no snapshot to return to in " + run + "; try a smaller --lr (now "
                    + trainer.config().optimizer().lr() + ") or another --seed");
        }
        if (reloads > MAX_RELOADS) {
            throw new IllegalStateException("non-finite losses persist after " + MAX_RELOADS + " reloads (last at step "
                    + failedStep + "); stopping. Nothing was changed automatically: try a smaller --lr (now "
                    + trainer.config().optimizer().lr() + ") or another --seed, then --resume " + run);
        }
        long nextRecovery = trainer.recoveries() + 1;
        trainer.loadSnapshot(snap.get());
        trainer.setRecoveries(nextRecovery);
        JsonObject e = new JsonObject();
        e.addProperty("failed_step", failedStep);
        e.addProperty("snapshot", snap.get().getFileName().toString());
        e.addProperty("step", trainer.step());
        e.addProperty("kimg", trainer.nimg() / 1000.0);
        e.addProperty("recovery", nextRecovery);
        metrics.event("reload", e);
        progress.message(String.format(Locale.ROOT,
                "warning: %d consecutive non-finite losses up to step %d: reloaded %s (kimg %s) and continue with"
                        + " fresh randomness (recovery %d); learning rate and all other settings are unchanged",
                count, failedStep, snap.get().getFileName(), fmt(trainer.nimg() / 1000.0), nextRecovery));
    }

    private static Path snapshot(GanTrainer trainer, RunDir run, MetricsLog metrics, Progress progress)
            throws IOException {
        Path file = run.snapshot(trainer.nimg());
        trainer.saveSnapshot(file);
        JsonObject latest = new JsonObject();
        latest.addProperty("snapshot", file.getFileName().toString());
        latest.addProperty("step", trainer.step());
        latest.addProperty("nimg", trainer.nimg());
        latest.addProperty("kimg", trainer.nimg() / 1000.0);
        AtomicFiles.writeString(run.resolve(RunDir.LATEST), latest + "\n");
        JsonObject e = new JsonObject();
        e.addProperty("snapshot", file.getFileName().toString());
        e.addProperty("step", trainer.step());
        e.addProperty("kimg", trainer.nimg() / 1000.0);
        metrics.event("snapshot", e);
        progress.message("snapshot " + file);
        return file;
    }

    private static void logMetric(GanTrainer trainer, MetricsLog metrics, Progress progress, MetricHook hook)
            throws IOException {
        JsonObject m = hook.evaluate(trainer);
        m.addProperty("step", trainer.step());
        m.addProperty("kimg", trainer.nimg() / 1000.0);
        metrics.event("metric", m);
        progress.message("metric at kimg " + fmt(trainer.nimg() / 1000.0) + ": " + m);
    }

    private static void writeFakes(GanTrainer trainer, Path file) throws IOException {
        float[] px = trainer.sampleGrid();
        int r = trainer.config().generator().resolution();
        ImageGrid.writePng(file, ImageGrid.grid(px, GanTrainer.GRID_IMAGES, r, ImageGrid.columnsFor(GanTrainer.GRID_IMAGES)));
    }

    private static JsonObject metricsLine(GanTrainer trainer, GanTrainer.StepResult r, double imgPerSec,
                                          Device device) {
        JsonObject o = new JsonObject();
        o.addProperty("kimg", trainer.nimg() / 1000.0);
        o.addProperty("step", trainer.step());
        o.addProperty("loss_G", r.lossG());
        o.addProperty("loss_D", r.lossD());
        o.addProperty("D_real", r.dReal());
        o.addProperty("D_fake", r.dFake());
        o.addProperty("img_per_s", round(imgPerSec));
        o.addProperty("seconds", round(trainer.trainSeconds()));
        o.addProperty("rss_mib", round(MemoryStats.rssMiB()));
        o.addProperty("peak_rss_mib", round(MemoryStats.peakRssMiB()));
        // arrays held by the trainer's manager and its children: a leak shows as a count that grows (bench soak)
        if (trainer.manager() instanceof ai.djl.ndarray.BaseNDManager base) {
            o.addProperty("ndarrays", base.getManagedArrays().size());
        }
        double dev = MemoryStats.deviceMiB(device);
        if (dev >= 0) {
            o.addProperty("device_mib", round(dev));
        }
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static String fmt(double kimg) {
        return String.format(Locale.ROOT, "%.3f", kimg);
    }
}
