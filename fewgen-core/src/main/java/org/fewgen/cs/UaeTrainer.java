package org.fewgen.cs;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import org.fewgen.util.ConsoleBars;
import org.fewgen.io.AtomicFiles;
import org.fewgen.io.SafeTensors;
import org.fewgen.nn.Tensors;
import org.fewgen.optim.Adam;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains an {@link UncertaintyAutoencoder} (or only its decoder, when the encoder is fixed) with
 * Adam on the squared ℓ2 error summed over pixels and averaged over the batch, keeping the
 * epoch with the lowest validation error.
 *
 * <p>Speed: the training images live on the device as one {@code (N, n)} tensor and each step
 * gathers its batch by index; each step runs in one {@link NDScope}; the loss is accumulated on
 * the device and read once per epoch.
 *
 * <p>Run folder: {@code config.json}, {@code metrics.jsonl} (one line per epoch),
 * {@code checkpoint.safetensors} (model, Adam moments and counters of the last epoch, for
 * {@code --resume}), {@code best.safetensors} (model of the best validation epoch),
 * {@code reconstructions.png} and {@code summary.json}.
 */
public final class UaeTrainer {

    /** Outcome of a training run. */
    public record Outcome(int bestEpoch, double bestValidL2, int epochsRun, double secondsPerEpoch) {
    }

    private final UaeConfig config;
    private final CsData data;
    private final UncertaintyAutoencoder model;
    private final Path runDir;
    private final PrintStream log;
    private final boolean trainEncoder;
    private final Adam adam;
    private int epochsDone;
    /** Steps of epoch {@code epochsDone + 1} done before a stop; the resumed epoch continues after them. */
    private int stepInEpoch;
    private java.util.function.BooleanSupplier stopRequested = org.fewgen.util.GracefulStop::requested;
    private int bestEpoch = -1;
    private double bestValid = Double.POSITIVE_INFINITY;
    private Map<String, float[]> bestState;

    /**
     * @param runDir run folder (config.json must already be written), or null for no files
     * @param log where epoch lines go (null: quiet)
     */
    public UaeTrainer(UaeConfig config, CsData data, UncertaintyAutoencoder model, Path runDir, PrintStream log) {
        this.config = config;
        this.data = data;
        this.model = model;
        this.runDir = runDir;
        this.log = log;
        this.trainEncoder = !config.encoder().equals("fixed");
        model.encoder().setTrainable(trainEncoder);
        Map<String, NDArray> params = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> {
            if (trainEncoder || !k.startsWith("encoder.")) {
                params.put(k, v);
            }
        });
        this.adam = new Adam(params, model.getManager(), config.lr(), 0.9f, 0.999f, 1e-8f, 0f);
        if (config.rowNorm() > 0 && trainEncoder) {
            model.encoder().projectRows(config.rowNorm());
        }
    }

    /** Test hook: when to stop as after SIGINT/SIGTERM (default: {@link org.fewgen.util.GracefulStop#requested()}). */
    public void setStopRequested(java.util.function.BooleanSupplier s) {
        stopRequested = s;
    }

    public UncertaintyAutoencoder model() {
        return model;
    }

    /** Trains the remaining epochs, then restores the best validation epoch's weights. */
    public Outcome train() throws IOException {
        NDManager manager = model.getManager();
        Device device = manager.getDevice();
        int n = data.pixels();
        int count = data.trainCount();
        if (config.maxTrain() > 0) {
            count = Math.min(count, config.maxTrain());
        }
        int steps = count / config.batch();
        if (steps == 0) {
            throw new org.fewgen.util.SettingException("batch", config.batch(), "is larger than the " + count
                    + " training images");
        }
        long start = System.nanoTime();
        int epochsRun = 0;
        try (NDManager dataManager = manager.newSubManager(device);
             org.fewgen.train.MetricsLog metrics = runDir == null ? null
                     : new org.fewgen.train.MetricsLog(runDir.resolve(org.fewgen.train.RunDir.METRICS))) {
            NDArray train = dataManager.create(java.util.Arrays.copyOf(data.train(), count * n), new Shape(count, n));
            NDArray lossSum = dataManager.zeros(new Shape());
            for (int epoch = epochsDone + 1; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                JniUtils.setSeed(config.seed() * 7919 + epoch);
                long[] order = permutation(count, new Random(config.seed() * 31 + epoch));
                lossSum.subi(lossSum);
                model.train(true);
                int first = stepInEpoch;
                stepInEpoch = 0;
                try (ConsoleBars.Bar bar = progress("epoch " + epoch + "/" + config.epochs(), steps)) {
                    for (int s = first; s < steps; s++) {
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            long[] idx = java.util.Arrays.copyOfRange(order, s * config.batch(), (s + 1) * config.batch());
                            NDArray batch = train.get(dataManager.create(idx));
                            NDArray loss;
                            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                                NDArray[] lossAndObjective = objective(model, batch, config, trainEncoder);
                                loss = lossAndObjective[0];
                                gc.backward(lossAndObjective[1]);
                            }
                            adam.step();
                            if (config.rowNorm() > 0 && trainEncoder) {
                                model.encoder().projectRows(config.rowNorm());
                            }
                            lossSum.addi(loss.stopGradient());
                        }
                        if (bar != null) {
                            bar.stepTo(s + 1);
                        }
                        if (stopRequested.getAsBoolean() && s + 1 < steps) {
                            stepInEpoch = s + 1;
                            stop(epoch, steps);
                        }
                    }
                }
                double trainLoss = lossSum.getFloat() / Math.max(1, steps - first);
                double valid = validationL2();
                double seconds = (System.nanoTime() - t0) / 1e9;
                boolean improved = valid < bestValid;
                if (improved) {
                    bestValid = valid;
                    bestEpoch = epoch;
                    bestState = hostCopy(model.stateDict());
                }
                epochsDone = epoch;
                epochsRun++;
                JsonObject line = new JsonObject();
                line.addProperty("epoch", epoch);
                line.addProperty("train_loss", trainLoss);
                line.addProperty("valid_l2", valid);
                line.addProperty("best_epoch", bestEpoch);
                line.addProperty("seconds", seconds);
                if (model.encoder().linearWeight() != null) {
                    line.addProperty("mean_row_norm", meanRowNorm());
                }
                if (log != null) {
                    log.printf("epoch %d/%d  train loss %.3f  valid l2 %.4f%s  (%.1f s)%n", epoch, config.epochs(),
                            trainLoss, valid, improved ? " *" : "", seconds);
                }
                if (runDir != null) {
                    metrics.write(line);
                    if (improved) {
                        SafeTensors.write(runDir.resolve("best.safetensors"), model.stateDict(),
                                Map.of("epoch", Integer.toString(epoch), "valid_l2", Double.toString(valid)));
                    }
                    saveCheckpoint(runDir.resolve("checkpoint.safetensors"));
                }
                if (stopRequested.getAsBoolean() && epoch < config.epochs()) {
                    stop(epoch + 1, steps);
                }
            }
        }
        if (bestState != null) {
            restore(bestState);
        }
        double perEpoch = epochsRun == 0 ? 0 : (System.nanoTime() - start) / 1e9 / epochsRun;
        return new Outcome(bestEpoch, bestValid, epochsDone, perEpoch);
    }

    /**
     * One batch's loss (squared reconstruction error summed over pixels, averaged over the batch)
     * and the objective backward runs on (the loss plus the encoder's L2 penalty, when it trains).
     * Numbers autograd keeps are {@link Tensors#scalar}, not DJL's, whose memory backward could
     * find freed.
     */
    static NDArray[] objective(UncertaintyAutoencoder model, NDArray batch, UaeConfig config, boolean trainEncoder) {
        NDArray recon = model.decode(model.measureWithFreshNoise(batch));
        NDArray loss = recon.sub(batch).square().sum().div(Tensors.scalar(batch, config.batch()));
        NDArray objective = loss;
        if (config.encoderL2() > 0 && trainEncoder) {
            NDArray norm = model.encoder().squaredWeightNorm();
            objective = loss.add(norm.mul(Tensors.scalar(norm, config.encoderL2())));
        }
        return new NDArray[] {loss, objective};
    }

    /** A terminal bar over an epoch's steps, or null without a terminal (the epoch lines suffice). */
    private static ConsoleBars.Bar progress(String task, int steps) {
        return ConsoleBars.onTerminal().map(b -> b.open(task, 0, steps, "", 1)).orElse(null);
    }

    /** Mean validation ℓ2 with the fixed validation noise. */
    public double validationL2() {
        Recovery r = new UaeRecovery("uae", model);
        return Evaluation.evaluate(r, data.valid(), data.validCount(), Evaluation.SEED + 1, false).l2Mean();
    }

    private double meanRowNorm() {
        return Tensors.noGrad(() -> {
            try (NDArray norms = model.encoder().linearWeight().norm(new int[] {1})) {
                return (double) norms.mean().getFloat();
            }
        });
    }

    private static long[] permutation(int n, Random random) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static Map<String, float[]> hostCopy(Map<String, NDArray> state) {
        Map<String, float[]> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private void restore(Map<String, float[]> state) {
        Map<String, NDArray> target = model.stateDict();
        try (NDManager tmp = model.getManager().newSubManager()) {
            Map<String, NDArray> src = new LinkedHashMap<>();
            state.forEach((k, v) -> src.put(k, tmp.create(v, target.get(k).getShape())));
            model.loadStateDict(src, true, "best epoch");
        }
    }

    /** Saves the state (mid-epoch: with the position in the epoch) and ends the run as asked by a signal. */
    private void stop(int epoch, int steps) throws IOException {
        String where = "";
        if (runDir != null) {
            Path ckpt = runDir.resolve("checkpoint.safetensors");
            saveCheckpoint(ckpt);
            where = "; checkpoint " + ckpt + " written. Resume with: fewgen cs train --resume " + runDir;
        }
        throw new org.fewgen.util.GracefulStop.Stopped("stopped in epoch " + epoch + " after step " + stepInEpoch
                + " of " + steps + " on " + org.fewgen.util.GracefulStop.signalName() + where,
                org.fewgen.util.GracefulStop.exitCode());
    }

    /** Writes the model, Adam moments and counters, so that {@link #resume} continues exactly here. */
    public void saveCheckpoint(Path file) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        adam.state().forEach((k, v) -> tensors.put("adam." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "fewgen-uae-checkpoint-1");
        meta.put("epoch", Integer.toString(epochsDone));
        meta.put("adam_step", Long.toString(adam.getStep()));
        meta.put("step_in_epoch", Integer.toString(stepInEpoch));
        meta.put("best_epoch", Integer.toString(bestEpoch));
        meta.put("best_valid_l2", Double.toString(bestValid));
        meta.put("config_hash", Integer.toHexString(config.toJson().hashCode()));
        SafeTensors.write(file, tensors, meta);
    }

    /** Restores a checkpoint written by {@link #saveCheckpoint}, and the best epoch from best.safetensors. */
    public void resume(Path file) throws IOException {
        try (NDManager tmp = model.getManager().newSubManager()) {
            SafeTensors.Content c = SafeTensors.read(file, tmp);
            String format = c.metadata().get("format");
            if (!"fewgen-uae-checkpoint-1".equals(format)) {
                throw new IOException(file + ": not a fewgen UAE checkpoint (format " + format + ")");
            }
            String hash = Integer.toHexString(config.toJson().hashCode());
            Map<String, NDArray> modelPart = new LinkedHashMap<>();
            Map<String, NDArray> adamPart = new LinkedHashMap<>();
            c.tensors().forEach((k, v) -> {
                if (k.startsWith("model.")) {
                    modelPart.put(k.substring(6), v);
                } else if (k.startsWith("adam.")) {
                    adamPart.put(k.substring(5), v);
                }
            });
            model.loadStateDict(modelPart, true, file.toString());
            adam.loadState(adamPart, Long.parseLong(c.metadata().get("adam_step")), file.toString());
            epochsDone = Integer.parseInt(c.metadata().get("epoch"));
            stepInEpoch = Integer.parseInt(c.metadata().getOrDefault("step_in_epoch", "0"));
            bestEpoch = Integer.parseInt(c.metadata().get("best_epoch"));
            bestValid = Double.parseDouble(c.metadata().get("best_valid_l2"));
            if (!hash.equals(c.metadata().get("config_hash")) && log != null) {
                log.println("note: config differs from the checkpoint's (only the number of epochs may change on resume)");
            }
            Path best = file.resolveSibling("best.safetensors");
            if (bestEpoch > 0 && Files.isRegularFile(best)) {
                SafeTensors.Content b = SafeTensors.read(best, tmp);
                bestState = new LinkedHashMap<>();
                b.tensors().forEach((k, v) -> bestState.put(k, v.toFloatArray()));
            }
        }
    }

    public int epochsDone() {
        return epochsDone;
    }

    /** Writes the first {@code count} test images and their reconstructions as one PNG grid. */
    public static void writeReconstructions(Path file, UncertaintyAutoencoder model, CsData data, int count)
            throws IOException {
        int k = Math.min(count, data.testCount());
        float[] x = java.util.Arrays.copyOf(data.test(), k * data.pixels());
        float[] xHat = new UaeRecovery("uae", model).reconstruct(x, k,
                Evaluation.noise(Evaluation.SEED, k, model.encoder().measurements()));
        List<float[]> rows = new ArrayList<>();
        rows.add(x);
        rows.add(xHat);
        org.fewgen.train.ImageGrid.writePng(file, org.fewgen.train.ImageGrid.grayRows(rows, data.side(), k, 2));
    }

    static void writeJson(Path file, JsonObject o) throws IOException {
        AtomicFiles.writeString(file, new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n");
    }

    static NDIndex rows(int from, int to) {
        return new NDIndex(from + ":" + to);
    }
}
