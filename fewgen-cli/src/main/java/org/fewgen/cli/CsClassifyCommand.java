package org.fewgen.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.cs.Classification;
import org.fewgen.cs.CsData;
import org.fewgen.cs.Evaluation;
import org.fewgen.cs.Pca;
import org.fewgen.cs.UaeConfig;
import org.fewgen.cs.UaeRun;
import org.fewgen.io.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fewgen cs classify}: UAE vs PCA measurements as features for logistic regression and kNN. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify images from their measurements: a trained UAE run's vs PCA's (same m, same noise).",
                "The m noisy measurements are features for logistic regression and k-nearest neighbours (Smile);",
                "prints an accuracy table."})
public final class CsClassifyCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, description = "a finished UAE run folder (linear encoder)")
    Path run;

    @Option(names = "--train-images", defaultValue = "10000", description = "training images for the classifiers (default: ${DEFAULT-VALUE})")
    int trainImages;

    @Option(names = "--k", defaultValue = "5", description = "neighbours for kNN (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--noiseless", description = "use noiseless measurements as features")
    boolean noiseless;

    @Option(names = "--out", description = "also write the table as CSV to this file")
    Path out;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Override
    public Integer call() throws Exception {
        // Smile logs every L-BFGS run at INFO; the table is the output
        System.setProperty("org.slf4j.simpleLogger.log.smile", "warn");
        Device where = UaeRun.device(device.name());
        Path cfgFile = run.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new IllegalArgumentException("--run " + run + ": no config.json there");
        }
        UaeConfig c = UaeConfig.fromJson(Files.readString(cfgFile), cfgFile.toString());
        CsData d = CsData.load(c.data());
        int tr = Math.min(trainImages, d.trainCount());
        if (d.trainLabels()[0] < 0) {
            throw new IllegalArgumentException("--run " + run + ": data " + c.data() + " has no class labels");
        }
        int m = c.measurements();
        int n = d.pixels();
        float[] xtr = Arrays.copyOf(d.train(), tr * n);
        int[] ytr = Arrays.copyOf(d.trainLabels(), tr);
        float[] epsTr = noiseless ? null : Evaluation.noise(Evaluation.SEED + 2, tr, m);
        float[] epsTe = noiseless ? null : Evaluation.noise(Evaluation.SEED, d.testCount(), m);
        StringBuilder csv = new StringBuilder("features,measurements,classifier,accuracy\n");
        System.out.printf(Locale.ROOT, "%-10s %-10s %s%n", "features", "classifier", "accuracy");
        try (NDManager manager = NDManager.newBaseManager(where)) {
            NDArray w = UaeRun.loadEncoder(run, manager);
            float[] uaeW = w.toFloatArray();
            float[] pcaW = Pca.fit(d.train(), d.trainCount(), n, manager).directions(m);
            Map<String, float[]> encoders = new java.util.LinkedHashMap<>();
            encoders.put("uae", uaeW);
            encoders.put("pca", pcaW);
            for (var e : encoders.entrySet()) {
                float[] ftr = Pca.measure(e.getValue(), m, xtr, tr, epsTr, c.noise());
                float[] fte = Pca.measure(e.getValue(), m, d.test(), d.testCount(), epsTe, c.noise());
                for (var acc : Classification.accuracies(ftr, ytr, fte, d.testLabels(), m, k).entrySet()) {
                    System.out.printf(Locale.ROOT, "%-10s %-10s %.4f%n", e.getKey(), acc.getKey(), acc.getValue());
                    csv.append(String.format(Locale.ROOT, "%s,%d,%s,%.5f%n", e.getKey(), m, acc.getKey(), acc.getValue()));
                }
            }
        }
        if (out != null) {
            AtomicFiles.writeString(out, csv.toString());
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
