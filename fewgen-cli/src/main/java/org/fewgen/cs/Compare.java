package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.io.AtomicFiles;
import org.fewgen.io.SafeTensors;
import org.fewgen.train.ImageGrid;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 */
public final class Compare {

    /** All methods, in the default order. */
    public static final List<String> METHODS = List.of("uae", "uae-unit", "pca-mlp", "pca-linear", "lasso-pixel",
            "lasso-dct", "csvae");

    /** Settings of a comparison. */
    public record Settings(List<Integer> measurements, List<String> methods, UaeConfig base, int vaeEpochs,
                           int lassoImages, int lassoMaxIterations, int csvaeImages, int csvaeRestarts,
                           int csvaeSteps, boolean noiseless, Path out, Path runs, boolean reportOnly) {
    }

    private final Settings s;
    private final CsData data;
    private final NDManager manager;
    private final PrintStream log;
    private final List<JsonObject> records = new ArrayList<>();
    private final Map<Integer, Map<String, float[]>> examples = new LinkedHashMap<>();
    private Pca pca;
    private CsVae vae;
    private static final int EXAMPLES = 10;
    /** λ candidates for LASSO, chosen per m and basis on validation images. */
    static final double[] LAMBDA_GRID = {1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};

    public Compare(Settings s, CsData data, NDManager manager, PrintStream log) {
        this.s = s;
        this.data = data;
        this.manager = manager;
        this.log = log;
        for (String m : s.methods()) {
            if (!METHODS.contains(m)) {
                throw new IllegalArgumentException("--methods: unknown method '" + m + "' (known: "
                        + String.join(", ", METHODS) + ")");
            }
        }
    }

    public List<JsonObject> records() {
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
        Map<String, JsonObject> previous = previousRecords();
        // results of methods or m values outside this invocation stay in the files
        for (JsonObject old : previous.values()) {
            String method = old.get("method").getAsString();
            int m = old.get("measurements").getAsInt();
            float[] ex = loadExamples(method, m);
            if ((!s.methods().contains(method) || !s.measurements().contains(m)) && ex != null) {
                records.add(old);
                examples.computeIfAbsent(m, key -> new LinkedHashMap<>()).put(method, ex);
            }
        }
        for (String method : s.methods()) {
            for (int m : s.measurements()) {
                JsonObject old = previous.get(method + "@" + m);
                float[] oldExamples = loadExamples(method, m);
                if (old != null && oldExamples != null) {
                    log.printf(Locale.ROOT, "%-12s m=%-4d l2 %.4f (kept from the earlier results.json)%n", method, m,
                            old.get("l2_mean").getAsDouble());
                    records.add(old);
                    examples.computeIfAbsent(m, key -> new LinkedHashMap<>()).put(method, oldExamples);
                    writeOutputs();
                    continue;
                }
                if (s.reportOnly() && !hasFinishedRun(method, m)) {
                    log.printf(Locale.ROOT, "%-12s m=%-4d not run (--report-only)%n", method, m);
                    continue;
                }
                if (org.fewgen.util.GracefulStop.requested()) {
                    throw new org.fewgen.util.GracefulStop.Stopped("stopped before " + method + " m=" + m + " on "
                            + org.fewgen.util.GracefulStop.signalName() + "; results so far are in " + s.out(),
                            org.fewgen.util.GracefulStop.exitCode());
                }
                long t0 = System.nanoTime();
                JsonObject rec = evaluate(method, m);
                rec.addProperty("seconds", (System.nanoTime() - t0) / 1e9);
                records.add(rec);
                log.printf(Locale.ROOT, "%-12s m=%-4d l2 %.4f ± %.4f  (noisy %s, noiseless %s; %d images)%n", method, m,
                        rec.get("l2_mean").getAsDouble(), rec.get("l2_stderr").getAsDouble(), opt(rec, "l2_mean_noisy"),
                        opt(rec, "l2_mean_noiseless"), rec.get("test_images").getAsInt());
                writeOutputs();
            }
        }
    }

    private JsonObject evaluate(String method, int m) throws IOException {
        JsonObject rec = new JsonObject();
        rec.addProperty("method", method);
        rec.addProperty("measurements", m);
        rec.addProperty("noise", s.base().noise());
        Recovery r;
        int images = data.testCount();
        switch (method) {
            case "uae" -> r = trained(rec, m, s.base().withEncoder("linear", 0f, ""), null, "uae");
            case "uae-unit" -> r = trained(rec, m, s.base().withEncoder("linear", 1f, ""), null, "uae-unit");
            case "pca-mlp" -> r = trained(rec, m, s.base().withEncoder("fixed", 0f, "pca"),
                    pca().directions(m), "pca-mlp");
            case "pca-linear" -> r = pca().linearRecovery(m, s.base().noise());
            case "lasso-pixel", "lasso-dct" -> {
                images = Math.min(images, s.lassoImages());
                r = lasso(rec, m, method.equals("lasso-dct") ? Lasso.Basis.DCT : Lasso.Basis.PIXEL);
            }
            case "csvae" -> {
                images = Math.min(images, s.csvaeImages());
                r = vae().recovery(Lasso.gaussianMatrix(m, data.pixels(), 7L * m), m, s.base().noise(), 0.1,
                        s.csvaeRestarts(), s.csvaeSteps(), 0.05f, 11L);
                rec.addProperty("restarts", s.csvaeRestarts());
                rec.addProperty("steps", s.csvaeSteps());
                rec.addProperty("vae_epochs", s.vaeEpochs());
            }
            default -> throw new IllegalArgumentException("--methods: unknown method " + method);
        }
        float[] x = java.util.Arrays.copyOf(data.test(), images * data.pixels());
        // the iterative methods are costly: they are evaluated in the reported setting only
        boolean iterative = method.startsWith("lasso") || method.equals("csvae");
        Evaluation.Result noisy = iterative && s.noiseless() ? null : Evaluation.evaluate(r, x, images, Evaluation.SEED, false);
        Evaluation.Result clean = iterative && !s.noiseless() ? null : Evaluation.evaluate(r, x, images, Evaluation.SEED, true);
        Evaluation.Result main = s.noiseless() ? clean : noisy;
        rec.addProperty("l2_mean", main.l2Mean());
        rec.addProperty("l2_stderr", main.l2Stderr());
        if (noisy != null) {
            rec.addProperty("l2_mean_noisy", noisy.l2Mean());
        }
        if (clean != null) {
            rec.addProperty("l2_mean_noiseless", clean.l2Mean());
        }
        rec.addProperty("test_images", images);
        rec.addProperty("evaluated_noiseless", s.noiseless());
        int k = Math.min(EXAMPLES, images);
        float[] ex = r.reconstruct(java.util.Arrays.copyOf(x, k * data.pixels()), k,
                s.noiseless() ? null : Evaluation.noise(Evaluation.SEED, k, m));
        examples.computeIfAbsent(m, key -> new LinkedHashMap<>()).put(method, ex);
        saveExamples(method, m, ex);
        return rec;
    }

    /** Whether a trained method has a finished run for m (the untrained methods have none). */
    private boolean hasFinishedRun(String method, int m) throws IOException {
        UaeConfig cfg0 = switch (method) {
            case "uae" -> s.base().withEncoder("linear", 0f, "");
            case "uae-unit" -> s.base().withEncoder("linear", 1f, "");
            case "pca-mlp" -> s.base().withEncoder("fixed", 0f, "pca");
            default -> null;
        };
        return cfg0 != null && findRun(withMeasurements(cfg0, m), true) != null;
    }

    private static UaeConfig withMeasurements(UaeConfig c, int m) {
        return new UaeConfig(c.data(), m, c.noise(), c.encoder(), c.encoderHidden(), c.decoderHidden(), c.epochs(),
                c.batch(), c.lr(), c.encoderL2(), c.rowNorm(), c.seed(), c.transferFrom(), c.maxTrain());
    }

    private Map<String, JsonObject> previousRecords() throws IOException {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        Path file = s.out().resolve("results.json");
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (var e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                JsonObject r = e.getAsJsonObject();
                boolean sameSetting = r.get("noise").getAsFloat() == s.base().noise()
                        && r.get("evaluated_noiseless").getAsBoolean() == s.noiseless()
                        && (!r.has("epochs") || r.get("epochs").getAsInt() == s.base().epochs())
                        && (!r.has("vae_epochs") || r.get("vae_epochs").getAsInt() == s.vaeEpochs());
                if (sameSetting) {
                    out.put(r.get("method").getAsString() + "@" + r.get("measurements").getAsInt(), r);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot read earlier results (" + e.getMessage() + "); move it away to start over");
        }
        return out;
    }

    private Path examplesFile(String method, int m) {
        return s.out().resolve("examples").resolve(method + "-m" + m + ".f32");
    }

    private void saveExamples(String method, int m, float[] values) throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        AtomicFiles.writeBytes(examplesFile(method, m), bb.array());
    }

    private float[] loadExamples(String method, int m) throws IOException {
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

    private CsVae vae() throws IOException {
        if (vae == null) {
            vae = new CsVae(manager, data.pixels(), 20, new int[] {500, 500});
            // named after the data as given: every IDX folder is "mnist" to CsData, and a prior of one must not serve another
            Path file = s.runs().resolve("csvae-" + org.fewgen.train.TrainConfig.dataLabel(s.base().data()) + "-e"
                    + s.vaeEpochs() + ".safetensors");
            if (Files.isRegularFile(file)) {
                log.println("reusing the CS-VAE prior " + file);
                try (NDManager tmp = manager.newSubManager()) {
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

    private Recovery lasso(JsonObject rec, int m, Lasso.Basis basis) {
        float[] a = Lasso.gaussianMatrix(m, data.pixels(), 7L * m);
        int validImages = Math.min(100, data.validCount());
        float[] xv = java.util.Arrays.copyOf(data.valid(), validImages * data.pixels());
        JsonArray grid = new JsonArray();
        double bestLambda = chooseLambda(LAMBDA_GRID, lambda -> {
            Lasso l = new Lasso(manager, a, m, data.pixels(), basis, data.side(), lambda, s.base().noise(),
                    Math.min(2000, s.lassoMaxIterations()), 1e-6);
            double err = Evaluation.evaluate(l, xv, validImages, Evaluation.SEED + 1, false).l2Mean();
            JsonObject g = new JsonObject();
            g.addProperty("lambda", lambda);
            g.addProperty("valid_l2", err);
            g.addProperty("iterations", l.lastIterations());
            grid.add(g);
            return err;
        });
        if (bestLambda == LAMBDA_MIN || bestLambda == LAMBDA_MAX) {
            log.printf(Locale.ROOT, "warning: %s m=%d: the best λ %.3g is at the end of the searched range%n",
                    basis, m, bestLambda);
        }
        Lasso chosen = new Lasso(manager, a, m, data.pixels(), basis, data.side(), bestLambda, s.base().noise(),
                s.lassoMaxIterations(), 1e-6);
        rec.addProperty("lambda", bestLambda);
        rec.addProperty("lambda_valid_images", validImages);
        rec.add("lambda_grid", grid);
        rec.addProperty("max_iterations", s.lassoMaxIterations());
        Recovery wrapped = new Recovery() {
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
                String key = eps == null ? "iterations_noiseless" : "iterations";
                if (count > EXAMPLES) {
                    rec.addProperty(key, chosen.lastIterations());
                    rec.addProperty(key.replace("iterations", "hit_iteration_cap"), chosen.lastHitCap());
                }
                return out;
            }
        };
        return wrapped;
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

    /** Trains (or reuses) a run with the given config and returns it as a recovery method. */
    private Recovery trained(JsonObject rec, int m, UaeConfig cfg0, float[] fixed, String prefix) throws IOException {
        UaeConfig cfg = withMeasurements(cfg0, m);
        Path existing = findRun(cfg, true);
        NDArray fixedArr = fixed == null ? null : manager.create(fixed, new Shape(m, data.pixels()));
        Path runDir;
        if (existing != null) {
            log.println("reusing finished run " + existing);
            runDir = existing;
        } else {
            Path unfinished = findRun(cfg, false);
            UaeRun.Result r = UaeRun.run(cfg, data, manager, s.runs(), prefix, fixedArr, unfinished, "", log);
            runDir = r.runDir();
        }
        UncertaintyAutoencoder model = UaeRun.build(manager, cfg, data.pixels(),
                fixedArr != null ? fixedArr : cfg.encoder().equals("fixed")
                        ? manager.zeros(new Shape(m, data.pixels())) : null);
        try (NDManager tmp = manager.newSubManager()) {
            Path best = runDir.resolve("best.safetensors");
            model.loadStateDict(SafeTensors.read(best, tmp).tensors(), true, best.toString());
        }
        JsonObject summary = JsonParser.parseString(Files.readString(runDir.resolve("summary.json"))).getAsJsonObject();
        rec.addProperty("best_epoch", summary.get("best_epoch").getAsInt());
        rec.addProperty("seconds_per_epoch", summary.get("seconds_per_epoch").getAsDouble());
        rec.addProperty("run", runDir.toString());
        rec.addProperty("epochs", cfg.epochs());
        if (model.encoder().linearWeight() != null) {
            try (NDArray norms = model.encoder().linearWeight().norm(new int[] {1})) {
                rec.addProperty("mean_row_norm", norms.mean().getFloat());
            }
        }
        return new UaeRecovery(prefix, model);
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
        for (JsonObject r : records) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%.5f,%.5f,%s,%s,%d,%s,%s,%s%n",
                    r.get("method").getAsString(), r.get("measurements").getAsInt(), r.get("l2_mean").getAsDouble(),
                    r.get("l2_stderr").getAsDouble(), opt(r, "l2_mean_noisy"),
                    opt(r, "l2_mean_noiseless"), r.get("test_images").getAsInt(), opt(r, "lambda"),
                    opt(r, "best_epoch"), opt(r, "mean_row_norm")));
            arr.add(r);
        }
        AtomicFiles.writeString(s.out().resolve("results.csv"), csv.toString());
        AtomicFiles.writeString(s.out().resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(arr) + "\n");
        CsCharts.errorVsMeasurements(s.out().resolve("error-vs-m.png"), records,
                plotTitle());
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

    private static String opt(JsonObject r, String key) {
        return r.has(key) ? r.get(key).getAsString() : "";
    }

    /** The table printed at the end: one row per method, one column per m. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        List<String> methods = new ArrayList<>();
        List<Integer> ms = new ArrayList<>();
        for (JsonObject r : records) {
            if (!methods.contains(r.get("method").getAsString())) {
                methods.add(r.get("method").getAsString());
            }
            if (!ms.contains(r.get("measurements").getAsInt())) {
                ms.add(r.get("measurements").getAsInt());
            }
        }
        ms.sort(null);
        sb.append(String.format("| %-12s |", "method"));
        ms.forEach(m -> sb.append(String.format(" m=%-13d |", m)));
        sb.append("\n|--------------|");
        ms.forEach(m -> sb.append("-----------------|"));
        sb.append('\n');
        for (String method : methods) {
            sb.append(String.format("| %-12s |", method));
            for (int m : ms) {
                JsonObject hit = null;
                for (JsonObject r : records) {
                    if (r.get("method").getAsString().equals(method) && r.get("measurements").getAsInt() == m) {
                        hit = r;
                    }
                }
                sb.append(hit == null ? String.format(" %-15s |", "-") : String.format(Locale.ROOT, " %.3f ± %.3f   |",
                        hit.get("l2_mean").getAsDouble(), hit.get("l2_stderr").getAsDouble()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
