package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.cs.CompareResult.CsVaeSearch;
import org.fewgen.cs.CompareResult.Iterations;
import org.fewgen.cs.CompareResult.LambdaTrial;
import org.fewgen.cs.CompareResult.LassoFit;
import org.fewgen.cs.CompareResult.Trained;
import org.fewgen.io.SafeTensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * How each method of {@code fewgen cs compare} is made ready at one m: PCA, LASSO with its λ
 * search, the CS-VAE prior and trained UAE runs (found again under {@code runs} when finished).
 *
 * <p>What outlives one m is kept here: the PCA fit (host memory, shared by both PCA methods) and,
 * while a method runs ({@link #enterMethod}), that method's manager and the CS-VAE prior in it.
 */
final class MethodFits {

    /** A method made ready at one m: how it recovers images, and what it reports once evaluated. */
    record Fitted(Recovery recovery, Supplier<CompareResult.Details> details) {
    }

    /** λ candidates for LASSO, chosen per m and basis on validation images. */
    static final double[] LAMBDA_GRID = {1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};
    static final double LAMBDA_MIN = 1e-8;
    static final double LAMBDA_MAX = 1e4;

    private final Compare.Settings s;
    private final CsData data;
    private final NDManager manager;
    private final PrintStream log;
    /** Host memory only, so one fit serves both PCA methods. */
    private Pca pca;
    /** The running method's manager: what it keeps across its m values (the CS-VAE prior) lives here. */
    private NDManager methodScope;
    /** Lives in the CS-VAE method's scope; null outside it. */
    private CsVae vae;

    MethodFits(Compare.Settings s, CsData data, NDManager manager, PrintStream log) {
        this.s = s;
        this.data = data;
        this.manager = manager;
        this.log = log;
    }

    /** A method starts: what it keeps across its m values goes into {@code scope}. */
    void enterMethod(NDManager scope) {
        methodScope = scope;
    }

    /** The method's scope is closed: forget what lived in it. */
    void leaveMethod() {
        methodScope = null;
        vae = null;
    }

    Pca pca() {
        if (pca == null) {
            log.println("fitting PCA on " + data.trainCount() + " training images");
            pca = Pca.fit(data.train(), data.trainCount(), data.pixels(), manager);
        }
        return pca;
    }

    Fitted pcaLinear(int m) {
        return new Fitted(pca().linearRecovery(m, s.base().noise()), () -> null);
    }

    Fitted csvae(int m) throws IOException {
        Recovery r = vae().recovery(Lasso.gaussianMatrix(m, data.pixels(), 7L * m), m, s.base().noise(), 0.1,
                s.csvaeRestarts(), s.csvaeSteps(), 0.05f, 11L);
        CsVaeSearch d = new CsVaeSearch(s.csvaeRestarts(), s.csvaeSteps(), s.vaeEpochs());
        return new Fitted(r, () -> d);
    }

    /** The CS-VAE prior, trained once or read back from {@code runs}, kept for the method's m values. */
    private CsVae vae() throws IOException {
        if (vae == null) {
            vae = new CsVae(methodScope, data.pixels(), 20, new int[] {500, 500});
            // named after the data as given: every IDX folder is "mnist" to CsData, and a prior of one must not serve another
            Path file = s.runs().resolve("csvae-" + org.fewgen.train.TrainConfig.dataLabel(s.base().data()) + "-e"
                    + s.vaeEpochs() + ".safetensors");
            if (Files.isRegularFile(file)) {
                log.println("reusing the CS-VAE prior " + file);
                try (NDManager tmp = methodScope.newSubManager()) {
                    vae.loadStateDict(SafeTensors.read(file, tmp).tensors(), true, file.toString());
                }
            } else {
                log.println("training the CS-VAE prior for " + s.vaeEpochs() + " epochs");
                vae.train(data, s.vaeEpochs(), s.base().batch(), s.base().seed(), log);
                SafeTensors.write(file, vae.stateDict(), Map.of("epochs", Integer.toString(s.vaeEpochs())));
            }
        }
        return vae;
    }

    Fitted lasso(NDManager scope, int m, Lasso.Basis basis) {
        float[] a = Lasso.gaussianMatrix(m, data.pixels(), 7L * m);
        int validImages = Math.min(100, data.validCount());
        float[] xv = Arrays.copyOf(data.valid(), validImages * data.pixels());
        List<LambdaTrial> grid = new ArrayList<>();
        double bestLambda = chooseLambda(LAMBDA_GRID, lambda -> {
            try (NDManager trial = scope.newSubManager()) {
                Lasso l = new Lasso(trial, a, m, data.pixels(), basis, data.side(), lambda, s.base().noise(),
                        Math.min(2000, s.lassoMaxIterations()), 1e-6);
                double err = Evaluation.evaluate(l, xv, validImages, Evaluation.SEED + 1, false).l2Mean();
                grid.add(new LambdaTrial(lambda, err, l.lastIterations()));
                return err;
            }
        });
        if (bestLambda == LAMBDA_MIN || bestLambda == LAMBDA_MAX) {
            log.printf(Locale.ROOT, "warning: %s m=%d: the best λ %.3g is at the end of the searched range%n",
                    basis, m, bestLambda);
        }
        Lasso chosen = new Lasso(scope, a, m, data.pixels(), basis, data.side(), bestLambda, s.base().noise(),
                s.lassoMaxIterations(), 1e-6);
        // FISTA's iterations on the test images, noisy and noiseless, as the evaluation runs them
        Iterations[] seen = new Iterations[2];
        Recovery counting = new Recovery() {
            @Override
            public String name() {
                return chosen.name();
            }

            @Override
            public int measurements() {
                return m;
            }

            @Override
            public float[] reconstruct(float[] images, int count, float[] eps) {
                float[] out = chosen.reconstruct(images, count, eps);
                // the example reconstructions (at most Compare.EXAMPLES images) are not the evaluation
                if (count > Compare.EXAMPLES) {
                    seen[eps == null ? 1 : 0] = new Iterations(chosen.lastIterations(), chosen.lastHitCap());
                }
                return out;
            }
        };
        return new Fitted(counting, () -> new LassoFit(bestLambda, validImages, List.copyOf(grid),
                s.lassoMaxIterations(), seen[0], seen[1]));
    }

    /**
     * The λ with the lowest validation error over {@code grid}, extended past its ends (in steps of
     * about √10) while the best value sits at an end: on data other than MNIST the error may still
     * fall at the grid's last λ, and the edge value is then no choice at all.
     */
    static double chooseLambda(double[] grid, DoubleUnaryOperator validError) {
        TreeMap<Double, Double> err = new TreeMap<>();
        for (double l : grid) {
            err.put(l, validError.applyAsDouble(l));
        }
        while (true) {
            double best = err.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            double next;
            if (best == err.lastKey() && best < LAMBDA_MAX) {
                next = Math.min(LAMBDA_MAX, best * Math.sqrt(10));
            } else if (best == err.firstKey() && best > LAMBDA_MIN) {
                next = Math.max(LAMBDA_MIN, best / Math.sqrt(10));
            } else {
                return best;
            }
            err.put(next, validError.applyAsDouble(next));
        }
    }

    /** Trains (or reuses) the method's run at m and returns it as a recovery method. */
    Fitted trained(NDManager scope, int m, CompareMethod method, float[] fixed) throws IOException {
        UaeConfig cfg = withMeasurements(method.trainedConfig(s.base()), m);
        String prefix = method.id();
        Path existing = findRun(cfg, true);
        NDArray fixedArr = fixed == null ? null : scope.create(fixed, new Shape(m, data.pixels()));
        Path runDir;
        if (existing != null) {
            log.println("reusing finished run " + existing);
            runDir = existing;
        } else {
            Path unfinished = findRun(cfg, false);
            // trained in a scope of its own: only best.safetensors is carried over to the model evaluated below
            try (NDManager training = scope.newSubManager()) {
                runDir = UaeRun.run(cfg, data, training, s.runs(), prefix, fixedArr, unfinished, s.commandLine(),
                        log).runDir();
            }
        }
        UncertaintyAutoencoder model = UaeRun.build(scope, cfg, data.pixels(),
                fixedArr != null ? fixedArr : cfg.encoder().equals("fixed")
                        ? scope.zeros(new Shape(m, data.pixels())) : null);
        try (NDManager tmp = scope.newSubManager()) {
            Path best = runDir.resolve("best.safetensors");
            model.loadStateDict(SafeTensors.read(best, tmp).tensors(), true, best.toString());
        }
        JsonObject summary = JsonParser.parseString(Files.readString(runDir.resolve("summary.json"))).getAsJsonObject();
        Float rowNorm = null;
        if (model.encoder().linearWeight() != null) {
            try (NDArray norms = model.encoder().linearWeight().norm(new int[] {1})) {
                rowNorm = norms.mean().getFloat();
            }
        }
        Trained t = new Trained(summary.get("best_epoch").getAsInt(), summary.get("seconds_per_epoch").getAsDouble(),
                runDir.toString(), cfg.epochs(), rowNorm);
        return new Fitted(new UaeRecovery(prefix, model), () -> t);
    }

    /** Whether a trained method has a finished run for m (the untrained methods have none). */
    boolean hasFinishedRun(CompareMethod method, int m) throws IOException {
        UaeConfig cfg0 = method.trainedConfig(s.base());
        return cfg0 != null && findRun(withMeasurements(cfg0, m), true) != null;
    }

    private static UaeConfig withMeasurements(UaeConfig c, int m) {
        return new UaeConfig(c.data(), m, c.noise(), c.encoder(), c.encoderHidden(), c.decoderHidden(), c.epochs(),
                c.batch(), c.lr(), c.encoderL2(), c.rowNorm(), c.seed(), c.transferFrom(), c.maxTrain());
    }

    /**
     * A run folder under {@code runs} with this config: a finished one (summary.json written) or,
     * with {@code finished} false, one that stopped part-way (checkpoint.safetensors, to resume).
     */
    private Path findRun(UaeConfig cfg, boolean finished) throws IOException {
        if (!Files.isDirectory(s.runs())) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(s.runs())) {
            for (Path d : dirs.sorted().toList()) {
                Path c = d.resolve("config.json");
                boolean done = Files.isRegularFile(d.resolve("summary.json"))
                        && Files.isRegularFile(d.resolve("best.safetensors"));
                boolean partial = !done && Files.isRegularFile(d.resolve("checkpoint.safetensors"));
                if (Files.isRegularFile(c) && (finished ? done : partial)) {
                    try {
                        if (UaeConfig.fromJson(Files.readString(c), c.toString()).equals(cfg)) {
                            return d;
                        }
                    } catch (IllegalArgumentException ignored) {
                        // not a UAE run folder
                    }
                }
            }
        }
        return null;
    }
}
