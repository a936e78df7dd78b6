package org.fewgen.cs;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import org.fewgen.io.SafeTensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One UAE training run in its folder, start to finish: config, training (or resume), best epoch,
 * test errors with and without noise, reconstruction grid, summary.
 */
public final class UaeRun {

    /** Test results of a finished run. */
    public record Result(Path runDir, UaeTrainer.Outcome outcome, Evaluation.Result test,
                         Evaluation.Result testNoiseless, double meanRowNorm) {
    }

    private UaeRun() {
    }

    /** The run folder's name after its number: {@code uae-mnist-m25-linear}. */
    public static String describe(String prefix, UaeConfig c) {
        // the last path element, not the whole path flattened: /home/me/data/fashion/ -> fashion
        String d = org.fewgen.train.TrainConfig.dataLabel(c.data());
        return prefix + "-" + d + "-m" + c.measurements() + "-" + c.encoder()
                + (c.rowNorm() > 0 ? "-rownorm" + c.rowNorm() : "");
    }

    /**
     * Builds the model: the encoder from the config, or {@code fixedEncoder} (an (m, n) matrix that
     * is kept, e.g. PCA directions or a transferred encoder) when given.
     */
    public static UncertaintyAutoencoder build(NDManager manager, UaeConfig c, int n, NDArray fixedEncoder) {
        JniUtils.setSeed(c.seed());
        Encoder enc;
        if (fixedEncoder != null) {
            enc = LinearEncoder.of(manager, fixedEncoder);
        } else if (c.encoder().equals("mlp")) {
            enc = new MlpEncoder(manager, n, c.encoderHidden(), c.measurements());
        } else {
            enc = new LinearEncoder(manager, n, c.measurements());
        }
        return new UncertaintyAutoencoder(manager, enc, c.decoderHidden(), c.noise());
    }

    /**
     * Trains a new run (or continues {@code resumeDir}) and evaluates its best epoch on the test set.
     *
     * @param fixedEncoder (m, n) matrix for a fixed linear encoder, or null to learn it
     * @param manager the manager (and device) the model lives in; the caller closes it
     * @param commandLine recorded in config.json's provenance (may be empty)
     */
    public static Result run(UaeConfig c, CsData data, NDManager manager, Path runsRoot, String prefix,
                             NDArray fixedEncoder, Path resumeDir, String commandLine, PrintStream log)
            throws IOException {
        return run(c, data, manager, runsRoot, prefix, fixedEncoder, resumeDir, commandLine, log,
                org.fewgen.nn.Precision.FP32);
    }

    /**
     * As {@link #run(UaeConfig, CsData, NDManager, Path, String, NDArray, Path, String, PrintStream)},
     * with the matrix products of training and evaluation in {@code precision} (fp32 or bf16, resolved;
     * weights, Adam state and losses stay fp32). The precision is recorded in config.json; it is not
     * part of the config a run is matched by, so a resumed run may change it, as a GAN run may.
     */
    public static Result run(UaeConfig c, CsData data, NDManager manager, Path runsRoot, String prefix,
                             NDArray fixedEncoder, Path resumeDir, String commandLine, PrintStream log,
                             org.fewgen.nn.Precision precision) throws IOException {
        // a resumed folder is locked before anything else, a new one is made only after the model was built
        org.fewgen.io.RunLock lock = null;
        try {
            if (resumeDir != null) {
                lock = org.fewgen.io.RunLock.acquire(resumeDir, m -> warn(log, m));
                for (Path p : lock.removeLeftoverTemporaryFiles()) {
                    warn(log, "removed " + p.getFileName() + ", left by an interrupted write");
                }
            }
            NDArray encoderMatrix = fixedEncoder;
            if (encoderMatrix == null && c.encoder().equals("fixed")) {
                // a resumed fixed-encoder run: its encoder is in the checkpoint; any matrix of the right shape will do
                encoderMatrix = manager.zeros(new ai.djl.ndarray.types.Shape(c.measurements(), data.pixels()));
            }
            UncertaintyAutoencoder model = build(manager, c, data.pixels(), encoderMatrix);
            Path dir;
            if (resumeDir != null) {
                dir = resumeDir;
            } else {
                org.fewgen.train.RunDir run = org.fewgen.train.RunDir.create(runsRoot, describe(prefix, c));
                dir = run.path();
                lock = org.fewgen.io.RunLock.acquire(dir, m -> warn(log, m));
                writeConfig(run, c, org.fewgen.train.Provenance.describe(commandLine, manager.getDevice(),
                        data.fingerprint()), precision);
            }
            try (org.fewgen.nn.Autocast.Scope cast = org.fewgen.nn.Autocast.enter(precision)) {
                return train(c, data, model, dir, prefix, resumeDir != null, log);
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * config.json: the settings {@link UaeConfig#fromJson} reads back, plus the provenance block
     * GAN runs carry too (the reader ignores it, the dashboard shows it).
     */
    static void writeConfig(org.fewgen.train.RunDir run, UaeConfig c, JsonObject provenance,
                            org.fewgen.nn.Precision precision) throws IOException {
        JsonObject o = com.google.gson.JsonParser.parseString(c.toJson()).getAsJsonObject();
        o.addProperty("precision", precision.label());
        o.add("provenance", provenance);
        run.writeConfig(o);
    }

    private static void warn(PrintStream log, String message) {
        (log != null ? log : System.err).println(message);
    }

    private static Result train(UaeConfig c, CsData data, UncertaintyAutoencoder model, Path dir, String prefix,
                                boolean resume, PrintStream log) throws IOException {
        UaeTrainer trainer = new UaeTrainer(c, data, model, dir, log);
        if (resume) {
            Path ckpt = dir.resolve("checkpoint.safetensors");
            trainer.resume(ckpt);
            if (log != null) {
                log.println("resuming " + dir + " after epoch " + trainer.epochsDone());
            }
        } else if (log != null) {
            log.println("run folder: " + dir);
        }
        UaeTrainer.Outcome outcome = trainer.train();
        Recovery r = new UaeRecovery(prefix, model);
        Evaluation.Result test = Evaluation.evaluate(r, data.test(), data.testCount(), Evaluation.SEED, false);
        Evaluation.Result clean = Evaluation.evaluate(r, data.test(), data.testCount(), Evaluation.SEED, true);
        double rowNorm = Double.NaN;
        if (model.encoder().linearWeight() != null) {
            try (NDArray norms = model.encoder().linearWeight().norm(new int[] {1})) {
                rowNorm = norms.mean().getFloat();
            }
        }
        UaeTrainer.writeReconstructions(dir.resolve("reconstructions.png"), model, data, 16);
        JsonObject s = new JsonObject();
        s.addProperty("best_epoch", outcome.bestEpoch());
        s.addProperty("best_valid_l2", outcome.bestValidL2());
        s.addProperty("epochs", outcome.epochsRun());
        s.addProperty("seconds_per_epoch", outcome.secondsPerEpoch());
        s.addProperty("test_l2_mean", test.l2Mean());
        s.addProperty("test_l2_stderr", test.l2Stderr());
        s.addProperty("test_l2_mean_noiseless", clean.l2Mean());
        s.addProperty("test_images", test.count());
        if (!Double.isNaN(rowNorm)) {
            s.addProperty("mean_row_norm", rowNorm);
        }
        UaeTrainer.writeJson(dir.resolve("summary.json"), s);
        return new Result(dir, outcome, test, clean, rowNorm);
    }

    /** Reads the (m, n) encoder matrix of a finished run's best epoch. */
    public static NDArray loadEncoder(Path runDir, NDManager manager) throws IOException {
        Path best = runDir.resolve("best.safetensors");
        if (!Files.isRegularFile(best)) {
            throw new IOException(runDir + ": no best.safetensors (is it a finished UAE run?)");
        }
        SafeTensors.Content c = SafeTensors.read(best, manager);
        NDArray w = c.tensors().get("encoder.weight");
        if (w == null) {
            throw new IOException(best + ": no linear encoder ('encoder.weight'); only linear encoders transfer");
        }
        return w;
    }

    static Map<String, String> meta(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The device to train on. */
    public static Device device(String option) {
        return org.fewgen.util.Devices.choose(option);
    }
}
