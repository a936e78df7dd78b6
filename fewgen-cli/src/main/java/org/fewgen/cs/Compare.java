package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.cs.CompareResult.CsVaeSearch;
import org.fewgen.cs.CompareResult.Errors;
import org.fewgen.cs.CompareResult.Iterations;
import org.fewgen.cs.CompareResult.LambdaTrial;
import org.fewgen.cs.CompareResult.LassoFit;
import org.fewgen.cs.CompareResult.Trained;
import org.fewgen.io.AtomicFiles;
import org.fewgen.io.SafeTensors;
import org.fewgen.train.ImageGrid;
import org.fewgen.util.SettingException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code fewgen cs compare}: every method at every m on the same test images with the same
 * noise draws; writes {@code results.csv}, {@code results.json}, {@code error-vs-m.png} and
 * {@code examples-m<M>.png} (test images, then one row per method), rewriting them after each
 * result so that a long run can be read while it goes.
 *
 * <p>Trained models (UAE, UAE at unit row norm, PCA + MLP) are run folders under
 * {@code runs}; a finished run with the same config is reused instead of retrained, which makes
 * an interrupted comparison resumable.
 *
 * <p>Each method runs in its own sub-manager, and each m in one below it, so the native memory
 * of one method's models is freed before the next method starts.
 */
public final class Compare {

    /** The methods, in the default order; {@link #id} is the name on the command line and in the results. */
    public enum Method {
        UAE("uae", false, base -> base.withEncoder("linear", 0f, "")),
        UAE_UNIT("uae-unit", false, base -> base.withEncoder("linear", 1f, "")),
        PCA_MLP("pca-mlp", false, base -> base.withEncoder("fixed", 0f, "pca")) {
            @Override
            Fitted fit(Compare c, NDManager scope, int m) throws IOException {
                return c.trained(scope, m, this, c.pca().directions(m));
            }
        },
        PCA_LINEAR("pca-linear", false, null) {
            @Override
            Fitted fit(Compare c, NDManager scope, int m) {
                return new Fitted(c.pca().linearRecovery(m, c.s.base().noise()), () -> null);
            }
        },
        LASSO_PIXEL("lasso-pixel", true, null) {
            @Override
            Fitted fit(Compare c, NDManager scope, int m) {
                return c.lasso(scope, m, Lasso.Basis.PIXEL);
            }
        },
        LASSO_DCT("lasso-dct", true, null) {
            @Override
            Fitted fit(Compare c, NDManager scope, int m) {
                return c.lasso(scope, m, Lasso.Basis.DCT);
            }
        },
        CSVAE("csvae", true, null) {
            @Override
            Fitted fit(Compare c, NDManager scope, int m) throws IOException {
                return c.csvae(m);
            }
        };

        private final String id;
        /** LASSO and CS-VAE solve per image: costly, so fewer images and only the reported setting. */
        private final boolean iterative;
        private final java.util.function.UnaryOperator<UaeConfig> trainedConfig;

        Method(String id, boolean iterative, java.util.function.UnaryOperator<UaeConfig> trainedConfig) {
            this.id = id;
            this.iterative = iterative;
            this.trainedConfig = trainedConfig;
        }

        public String id() {
            return id;
        }

        /**
         * Trains (or reuses) what the method needs at m, in {@code scope}, closed after its
         * evaluation; here: a trained UAE run.
         */
        Fitted fit(Compare c, NDManager scope, int m) throws IOException {
            return c.trained(scope, m, this, null);
        }

        /** The run config of a trained method at m = 1, or null for a method that trains nothing. */
        UaeConfig trainedConfig(UaeConfig base) {
            return trainedConfig == null ? null : trainedConfig.apply(base);
        }

        /** How many test images the method is evaluated on: the first ones. */
        int images(Settings s, int testCount) {
            if (!iterative) {
                return testCount;
            }
            return Math.min(testCount, this == CSVAE ? s.csvaeImages() : s.lassoImages());
        }

        /** The method named {@code name}; the one parser of method names. */
        public static Method parse(String name) {
            for (Method m : values()) {
                if (m.id.equals(name)) {
                    return m;
                }
            }
            throw new SettingException("methods", name, "unknown method '" + name + "'; known: " + String.join(", ",
                    METHODS));
        }

        public static List<Method> parseAll(List<String> names) {
            return names.stream().map(Method::parse).toList();
        }
    }

    /** All method names, in the default order. */
    public static final List<String> METHODS = Arrays.stream(Method.values()).map(Method::id).toList();

    /** Settings of a comparison; {@code commandLine} goes into the provenance of the runs it trains. */
    public record Settings(List<Integer> measurements, List<String> methods, UaeConfig base, int vaeEpochs,
                           int lassoImages, int lassoMaxIterations, int csvaeImages, int csvaeRestarts,
                           int csvaeSteps, boolean noiseless, Path out, Path runs, boolean reportOnly,
                           String commandLine) {

        /** Without a command line (tests, library callers). */
        public Settings(List<Integer> measurements, List<String> methods, UaeConfig base, int vaeEpochs,
                        int lassoImages, int lassoMaxIterations, int csvaeImages, int csvaeRestarts, int csvaeSteps,
                        boolean noiseless, Path out, Path runs, boolean reportOnly) {
            this(measurements, methods, base, vaeEpochs, lassoImages, lassoMaxIterations, csvaeImages,
                    csvaeRestarts, csvaeSteps, noiseless, out, runs, reportOnly, "");
        }
    }

    /** A method made ready at one m: how it recovers images, and what it reports once evaluated. */
    record Fitted(Recovery recovery, java.util.function.Supplier<CompareResult.Details> details) {
    }

    private final Settings s;
    private final List<Method> methods;
    private final CsData data;
    private final NDManager manager;
    private final PrintStream log;
    private final List<CompareResult> records = new ArrayList<>();
    private final Map<Integer, Map<String, float[]>> examples = new LinkedHashMap<>();
    /** Host memory only, so one fit serves both PCA methods. */
    private Pca pca;
    /** The running method's manager: what it keeps across its m values (the CS-VAE prior) lives here. */
    private NDManager methodScope;
    /** Lives in the CS-VAE method's scope; null outside it. */
    private CsVae vae;
    private static final int EXAMPLES = 10;
    /** λ candidates for LASSO, chosen per m and basis on validation images. */
    static final double[] LAMBDA_GRID = {1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};

    public Compare(Settings s, CsData data, NDManager manager, PrintStream log) {
        this.s = s;
        this.methods = Method.parseAll(s.methods());
        this.data = data;
        this.manager = manager;
        this.log = log;
    }

    public List<CompareResult> records() {
        return records;
    }

    /**
     * Runs every method at every m (methods outer, so cheap methods can finish first). Results
     * already in {@code OUT/results.json} for the same method, m, noise and setting are kept.
     */
    public void run() throws IOException {
        Files.createDirectories(s.out());
        try (org.fewgen.io.RunLock lock = org.fewgen.io.RunLock.acquire(s.out(), log::println)) {
            for (Path p : lock.removeLeftoverTemporaryFiles()) {
                log.println("removed " + p.getFileName() + ", left by an interrupted write");
            }
            runLocked();
        } catch (org.fewgen.util.GracefulStop.Stopped e) {
            throw new org.fewgen.util.GracefulStop.Stopped(e.getMessage().replaceAll("\\. Resume with: .*", "")
                    + ". Continue with the same fewgen cs compare command: finished results and runs are reused",
                    e.exitCode());
        }
    }

    private void runLocked() throws IOException {
        Map<String, CompareResult> previous = previousRecords();
        // results of methods or m values outside this invocation stay in the files
        for (CompareResult old : previous.values()) {
            float[] ex = loadExamples(old.method(), old.measurements());
            if ((!methods.contains(old.method()) || !s.measurements().contains(old.measurements())) && ex != null) {
                add(old, ex);
            }
        }
        for (Method method : methods) {
            try (NDManager scope = manager.newSubManager()) {
                methodScope = scope;
                for (int m : s.measurements()) {
                    runOne(method, m, previous.get(method.id() + "@" + m));
                }
            } finally {
                methodScope = null;
                vae = null;
            }
        }
    }

    private void runOne(Method method, int m, CompareResult old) throws IOException {
        float[] oldExamples = loadExamples(method, m);
        if (old != null && oldExamples != null) {
            log.printf(Locale.ROOT, "%-12s m=%-4d l2 %.4f (kept from the earlier results.json)%n", method.id(), m,
                    old.errors().l2Mean());
            add(old, oldExamples);
            writeOutputs();
            return;
        }
        if (s.reportOnly() && !hasFinishedRun(method, m)) {
            log.printf(Locale.ROOT, "%-12s m=%-4d not run (--report-only)%n", method.id(), m);
            return;
        }
        if (org.fewgen.util.GracefulStop.requested()) {
            throw new org.fewgen.util.GracefulStop.Stopped("stopped before " + method.id() + " m=" + m + " on "
                    + org.fewgen.util.GracefulStop.signalName() + "; results so far are in " + s.out(),
                    org.fewgen.util.GracefulStop.exitCode());
        }
        long t0 = System.nanoTime();
        CompareResult r;
        float[] ex;
        try (NDManager scope = methodScope.newSubManager()) {
            Fitted fitted = method.fit(this, scope, m);
            int images = method.images(s, data.testCount());
            Errors errors = evaluate(method, fitted.recovery(), images);
            int k = Math.min(EXAMPLES, images);
            ex = fitted.recovery().reconstruct(Arrays.copyOf(data.test(), k * data.pixels()), k,
                    s.noiseless() ? null : Evaluation.noise(Evaluation.SEED, k, m));
            r = new CompareResult(method, m, s.base().noise(), fitted.details().get(), errors, (System.nanoTime() - t0) / 1e9);
        }
        saveExamples(method, m, ex);
        add(r, ex);
        log.printf(Locale.ROOT, "%-12s m=%-4d l2 %.4f ± %.4f  (noisy %s, noiseless %s; %d images)%n", method.id(), m,
                r.errors().l2Mean(), r.errors().l2Stderr(), CompareResult.text(r.errors().l2MeanNoisy()),
                CompareResult.text(r.errors().l2MeanNoiseless()), r.errors().testImages());
        writeOutputs();
    }

    private void add(CompareResult r, float[] ex) {
        records.add(r);
        examples.computeIfAbsent(r.measurements(), key -> new LinkedHashMap<>()).put(r.method().id(), ex);
    }

    private Errors evaluate(Method method, Recovery r, int images) {
        float[] x = Arrays.copyOf(data.test(), images * data.pixels());
        boolean iterative = method.iterative;
        Evaluation.Result noisy = iterative && s.noiseless() ? null : Evaluation.evaluate(r, x, images, Evaluation.SEED, false);
        Evaluation.Result clean = iterative && !s.noiseless() ? null : Evaluation.evaluate(r, x, images, Evaluation.SEED, true);
        Evaluation.Result main = s.noiseless() ? clean : noisy;
        return new Errors(main.l2Mean(), main.l2Stderr(), noisy == null ? null : noisy.l2Mean(),
                clean == null ? null : clean.l2Mean(), images, s.noiseless());
    }

    /** Whether a trained method has a finished run for m (the untrained methods have none). */
    private boolean hasFinishedRun(Method method, int m) throws IOException {
        UaeConfig cfg0 = method.trainedConfig(s.base());
        return cfg0 != null && findRun(withMeasurements(cfg0, m), true) != null;
    }

    private static UaeConfig withMeasurements(UaeConfig c, int m) {
        return new UaeConfig(c.data(), m, c.noise(), c.encoder(), c.encoderHidden(), c.decoderHidden(), c.epochs(),
                c.batch(), c.lr(), c.encoderL2(), c.rowNorm(), c.seed(), c.transferFrom(), c.maxTrain());
    }

    private Map<String, CompareResult> previousRecords() throws IOException {
        Map<String, CompareResult> out = new LinkedHashMap<>();
        Path file = s.out().resolve("results.json");
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                CompareResult r = CompareResult.fromJson(e.getAsJsonObject());
                boolean sameSetting = r.noise() == s.base().noise()
                        && r.errors().evaluatedNoiseless() == s.noiseless()
                        && (!(r.details() instanceof Trained t) || t.epochs() == s.base().epochs())
                        && (!(r.details() instanceof CsVaeSearch v) || v.vaeEpochs() == s.vaeEpochs());
                if (sameSetting) {
                    out.put(r.method().id() + "@" + r.measurements(), r);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot read earlier results (" + e.getMessage() + "); move it away to start over");
        }
        return out;
    }

    private Path examplesFile(Method method, int m) {
        return s.out().resolve("examples").resolve(method.id() + "-m" + m + ".f32");
    }

    private void saveExamples(Method method, int m, float[] values) throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        AtomicFiles.writeBytes(examplesFile(method, m), bb.array());
    }

    private float[] loadExamples(Method method, int m) throws IOException {
        Path f = examplesFile(method, m);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(f);
        float[] out = new float[bytes.length / 4];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private Pca pca() {
        if (pca == null) {
            log.println("fitting PCA on " + data.trainCount() + " training images");
            pca = Pca.fit(data.train(), data.trainCount(), data.pixels(), manager);
        }
        return pca;
    }

    private Fitted csvae(int m) throws IOException {
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

    private Fitted lasso(NDManager scope, int m, Lasso.Basis basis) {
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
                if (count > EXAMPLES) {
                    seen[eps == null ? 1 : 0] = new Iterations(chosen.lastIterations(), chosen.lastHitCap());
                }
                return out;
            }
        };
        return new Fitted(counting, () -> new LassoFit(bestLambda, validImages, List.copyOf(grid),
                s.lassoMaxIterations(), seen[0], seen[1]));
    }

    static final double LAMBDA_MIN = 1e-8;
    static final double LAMBDA_MAX = 1e4;

    /**
     * The λ with the lowest validation error over {@code grid}, extended past its ends (in steps of
     * about √10) while the best value sits at an end: on data other than MNIST the error may still
     * fall at the grid's last λ, and the edge value is then no choice at all.
     */
    static double chooseLambda(double[] grid, java.util.function.DoubleUnaryOperator validError) {
        java.util.TreeMap<Double, Double> err = new java.util.TreeMap<>();
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
    private Fitted trained(NDManager scope, int m, Method method, float[] fixed) throws IOException {
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

    /** Rewrites results.csv, results.json, the plot and the example grids from the records so far. */
    public void writeOutputs() throws IOException {
        StringBuilder csv = new StringBuilder("method,measurements,l2_mean,l2_stderr,l2_mean_noisy,l2_mean_noiseless,"
                + "test_images,lambda,best_epoch,mean_row_norm\n");
        JsonArray arr = new JsonArray();
        for (CompareResult r : records) {
            csv.append(r.csvRow()).append(String.format("%n"));
            arr.add(r.toJson());
        }
        AtomicFiles.writeString(s.out().resolve("results.csv"), csv.toString());
        AtomicFiles.writeString(s.out().resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(arr) + "\n");
        CsCharts.errorVsMeasurements(s.out().resolve("error-vs-m.png"), records, plotTitle());
        for (Map.Entry<Integer, Map<String, float[]>> e : examples.entrySet()) {
            List<float[]> rows = new ArrayList<>();
            int k = Integer.MAX_VALUE;
            for (float[] v : e.getValue().values()) {
                k = Math.min(k, v.length / data.pixels());
            }
            rows.add(data.test());
            rows.addAll(e.getValue().values());
            ImageGrid.writePng(s.out().resolve("examples-m" + e.getKey() + ".png"),
                    CsCharts.labelled(ImageGrid.grayRows(rows, data.side(), k, 2), "original",
                            new ArrayList<>(e.getValue().keySet())));
        }
    }

    /** Names the data as given: CsData calls every IDX folder "mnist". */
    String plotTitle() {
        return "Test error per image vs measurements (" + s.base().data() + ", σ = " + s.base().noise() + ")";
    }

    /** The table printed at the end: one row per method, one column per m. */
    public String table() {
        List<Method> shown = records.stream().map(CompareResult::method).distinct().toList();
        List<Integer> ms = records.stream().map(CompareResult::measurements).distinct().sorted().toList();
        Map<String, CompareResult> byKey = records.stream().collect(Collectors.toMap(
                r -> r.method().id() + "@" + r.measurements(), r -> r, (a, b) -> b));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("| %-12s |", "method"));
        ms.forEach(m -> sb.append(String.format(" m=%-13d |", m)));
        sb.append("\n|--------------|");
        ms.forEach(m -> sb.append("-----------------|"));
        sb.append('\n');
        for (Method method : shown) {
            sb.append(String.format("| %-12s |", method.id()));
            for (int m : ms) {
                CompareResult hit = byKey.get(method.id() + "@" + m);
                sb.append(hit == null ? String.format(" %-15s |", "-") : String.format(Locale.ROOT, " %.3f ± %.3f   |",
                        hit.errors().l2Mean(), hit.errors().l2Stderr()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
