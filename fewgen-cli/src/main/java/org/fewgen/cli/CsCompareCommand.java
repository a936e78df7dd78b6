package org.fewgen.cli;

import ai.djl.ndarray.NDManager;
import org.fewgen.cs.Compare;
import org.fewgen.cs.CompareMethod;
import org.fewgen.cs.CsData;
import org.fewgen.cs.UaeConfig;
import org.fewgen.cs.UaeRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fewgen cs compare}: UAE against PCA, LASSO and CS-VAE at several m. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare UAE with PCA (+ linear / MLP decoder), LASSO (pixel / DCT) and CS-VAE.",
                "Writes results.csv, results.json, error-vs-m.png and examples-m<M>.png to --out."})
public final class CsCompareCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = "mnist", description = "mnist or a folder with MNIST IDX files (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--measurements", split = ",", defaultValue = "2,5,10,25,50,100",
            description = "comma-separated m values (default: ${DEFAULT-VALUE})")
    List<Integer> measurements;

    @Option(names = "--methods", split = ",", defaultValue = "uae,uae-unit,pca-mlp,pca-linear,lasso-pixel,lasso-dct,csvae",
            description = "methods, in the order to run (default: ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--noise", defaultValue = "0.1", description = "measurement noise sigma (default: ${DEFAULT-VALUE})")
    float noise;

    @Option(names = "--epochs", defaultValue = "30", description = "epochs of UAE and PCA+MLP training (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--vae-epochs", defaultValue = "30", description = "epochs of the CS-VAE prior (default: ${DEFAULT-VALUE})")
    int vaeEpochs;

    @Option(names = "--lasso-images", defaultValue = "500", description = "test images for LASSO, the first ones (default: ${DEFAULT-VALUE})")
    int lassoImages;

    @Option(names = "--lasso-max-iter", defaultValue = "3000", description = "FISTA iteration cap (default: ${DEFAULT-VALUE})")
    int lassoMaxIter;

    @Option(names = "--csvae-images", defaultValue = "200", description = "test images for CS-VAE, the first ones (default: ${DEFAULT-VALUE})")
    int csvaeImages;

    @Option(names = "--csvae-restarts", defaultValue = "5", description = "random restarts per image (default: ${DEFAULT-VALUE})")
    int csvaeRestarts;

    @Option(names = "--csvae-steps", defaultValue = "500", description = "Adam steps per restart (default: ${DEFAULT-VALUE})")
    int csvaeSteps;

    @Option(names = "--noiseless", description = "report errors of noiseless measurements (models are still trained with noise)")
    boolean noiseless;

    @Option(names = "--report-only", description = "train nothing: report earlier results and finished runs only")
    boolean reportOnly;

    @Option(names = "--max-train", defaultValue = "0", description = "use at most this many training images (default: all)")
    int maxTrain;

    @Option(names = "--seed", defaultValue = "1", description = "training seed (default: ${DEFAULT-VALUE})")
    long seed;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--runs", description = "folder of the trained runs; finished runs with the same config are reused (default: OUT/runs)")
    Path runs;

    @Override
    public Integer call() throws Exception {
        UaeConfig base = new UaeConfig(data, 1, noise, "linear", new int[0], new int[] {500, 500}, epochs, 100, 1e-3f,
                0f, 0f, seed, "", maxTrain);
        CompareMethod.parseAll(methods); // before the data is loaded: a misspelt name fails at once
        if (vaeEpochs < 1) {
            throw new IllegalArgumentException("--vae-epochs must be at least 1, not " + vaeEpochs);
        }
        OutputFolders.require("--out", out);
        if (runs != null) {
            OutputFolders.require("--runs", runs);
        }
        CsData d = CsData.load(data);
        Compare.Settings s = new Compare.Settings(measurements, methods, base, vaeEpochs, lassoImages, lassoMaxIter,
                csvaeImages, csvaeRestarts, csvaeSteps, noiseless, out, runs == null ? out.resolve("runs") : runs, reportOnly,
                FewgenCommand.commandLineOf(spec));
        try (NDManager manager = NDManager.newBaseManager(UaeRun.device(device.name()))) {
            Compare c = new Compare(s, d, manager, System.out);
            try (org.fewgen.util.GracefulStop stop = org.fewgen.util.GracefulStop.install(System.err)) {
                c.run();
            }
            System.out.println();
            System.out.print(c.table());
            System.out.println("wrote " + out.resolve("results.csv") + ", results.json, error-vs-m.png, examples-m*.png");
        }
        return 0;
    }
}
