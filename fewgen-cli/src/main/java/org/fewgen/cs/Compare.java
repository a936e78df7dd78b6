package org.fewgen.cs;

import ai.djl.ndarray.NDManager;
import org.fewgen.cs.CompareResult.CsVaeSearch;
import org.fewgen.cs.CompareResult.Errors;
import org.fewgen.cs.CompareResult.Trained;
import org.fewgen.io.RunLock;
import org.fewgen.util.GracefulStop;

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

/**
 * {@code fewgen cs compare}: every method at every m on the same test images with the same
 * noise draws; writes {@code results.csv}, {@code results.json}, {@code error-vs-m.png} and
 * {@code examples-m<M>.png} ({@link CompareFiles}), rewriting them after each result so that a
 * long run can be read while it goes.
 *
 * <p>Trained models (UAE, UAE at unit row norm, PCA + MLP) are run folders under
 * {@code runs}; a finished run with the same config is reused instead of retrained, which makes
 * an interrupted comparison resumable ({@link MethodFits}).
 *
 * <p>Each method runs in its own sub-manager, and each m in one below it, so the native memory
 * of one method's models is freed before the next method starts.
 */
public final class Compare {

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

    /** How many test images each method reconstructs for the example grids: the first ones. */
    static final int EXAMPLES = 10;

    private final Settings s;
    private final List<CompareMethod> methods;
    private final CsData data;
    private final NDManager manager;
    private final PrintStream log;
    private final MethodFits fits;
    private final CompareFiles files;
    private final List<CompareResult> records = new ArrayList<>();
    /** Per m, per method id in the order of the records, the example reconstructions. */
    private final Map<Integer, Map<String, float[]>> examples = new LinkedHashMap<>();

    public Compare(Settings s, CsData data, NDManager manager, PrintStream log) {
        this.s = s;
        this.methods = CompareMethod.parseAll(s.methods());
        this.data = data;
        this.manager = manager;
        this.log = log;
        this.fits = new MethodFits(s, data, manager, log);
        this.files = new CompareFiles(s.out(), data);
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
        try (RunLock lock = RunLock.acquire(s.out(), log::println)) {
            for (Path p : lock.removeLeftoverTemporaryFiles()) {
                log.println("removed " + p.getFileName() + ", left by an interrupted write");
            }
            runLocked();
        } catch (GracefulStop.Stopped e) {
            // a comparison is continued by running it again, not by --resume
            throw new GracefulStop.Stopped(e.getMessage().replaceAll("\\. Resume with: .*", "")
                    + ". Continue with the same fewgen cs compare command: finished results and runs are reused",
                    e.exitCode());
        }
    }

    private void runLocked() throws IOException {
        Map<String, CompareResult> previous = previousRecords();
        // results of methods or m values outside this invocation stay in the files
        for (CompareResult old : previous.values()) {
            float[] ex = files.loadExamples(old.method(), old.measurements());
            if ((!methods.contains(old.method()) || !s.measurements().contains(old.measurements())) && ex != null) {
                add(old, ex);
            }
        }
        for (CompareMethod method : methods) {
            try (NDManager methodScope = manager.newSubManager()) {
                fits.enterMethod(methodScope);
                for (int m : s.measurements()) {
                    runOne(method, methodScope, m, previous.get(method.id() + "@" + m));
                }
            } finally {
                fits.leaveMethod();
            }
        }
    }

    private void runOne(CompareMethod method, NDManager methodScope, int m, CompareResult old) throws IOException {
        float[] oldExamples = files.loadExamples(method, m);
        if (old != null && oldExamples != null) {
            log.printf(Locale.ROOT, "%-12s m=%-4d l2 %.4f (kept from the earlier results.json)%n", method.id(), m,
                    old.errors().l2Mean());
            add(old, oldExamples);
            writeOutputs();
            return;
        }
        if (s.reportOnly() && !fits.hasFinishedRun(method, m)) {
            log.printf(Locale.ROOT, "%-12s m=%-4d not run (--report-only)%n", method.id(), m);
            return;
        }
        if (GracefulStop.requested()) {
            throw new GracefulStop.Stopped("stopped before " + method.id() + " m=" + m + " on "
                    + GracefulStop.signalName() + "; results so far are in " + s.out(), GracefulStop.exitCode());
        }
        long t0 = System.nanoTime();
        CompareResult r;
        float[] ex;
        try (NDManager scope = methodScope.newSubManager()) {
            MethodFits.Fitted fitted = method.fit(fits, scope, m);
            int images = method.images(s, data.testCount());
            Errors errors = evaluate(method, fitted.recovery(), images);
            int k = Math.min(EXAMPLES, images);
            ex = fitted.recovery().reconstruct(Arrays.copyOf(data.test(), k * data.pixels()), k,
                    s.noiseless() ? null : Evaluation.noise(Evaluation.SEED, k, m));
            r = new CompareResult(method, m, s.base().noise(), fitted.details().get(), errors, (System.nanoTime() - t0) / 1e9);
        }
        files.saveExamples(method, m, ex);
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

    private Errors evaluate(CompareMethod method, Recovery r, int images) {
        float[] x = Arrays.copyOf(data.test(), images * data.pixels());
        boolean iterative = method.iterative();
        Evaluation.Result noisy = iterative && s.noiseless() ? null : Evaluation.evaluate(r, x, images, Evaluation.SEED, false);
        Evaluation.Result clean = iterative && !s.noiseless() ? null : Evaluation.evaluate(r, x, images, Evaluation.SEED, true);
        Evaluation.Result main = s.noiseless() ? clean : noisy;
        return new Errors(main.l2Mean(), main.l2Stderr(), noisy == null ? null : noisy.l2Mean(),
                clean == null ? null : clean.l2Mean(), images, s.noiseless());
    }

    /** The earlier results.json's records made in this setting, by {@code method@m}; others are recomputed. */
    private Map<String, CompareResult> previousRecords() throws IOException {
        Map<String, CompareResult> out = new LinkedHashMap<>();
        for (CompareResult r : files.readResults()) {
            boolean sameSetting = r.noise() == s.base().noise()
                    && r.errors().evaluatedNoiseless() == s.noiseless()
                    && (!(r.details() instanceof Trained t) || t.epochs() == s.base().epochs())
                    && (!(r.details() instanceof CsVaeSearch v) || v.vaeEpochs() == s.vaeEpochs());
            if (sameSetting) {
                out.put(r.method().id() + "@" + r.measurements(), r);
            }
        }
        return out;
    }

    private void writeOutputs() throws IOException {
        files.write(records, examples, plotTitle());
    }

    /** Names the data as given: CsData calls every IDX folder "mnist". */
    String plotTitle() {
        return "Test error per image vs measurements (" + s.base().data() + ", σ = " + s.base().noise() + ")";
    }

    /** The table printed at the end: one row per method, one column per m. */
    public String table() {
        List<CompareMethod> shown = records.stream().map(CompareResult::method).distinct().toList();
        List<Integer> ms = records.stream().map(CompareResult::measurements).distinct().sorted().toList();
        Map<String, CompareResult> byKey = records.stream().collect(Collectors.toMap(
                r -> r.method().id() + "@" + r.measurements(), r -> r, (a, b) -> b));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("| %-12s |", "method"));
        ms.forEach(m -> sb.append(String.format(" m=%-13d |", m)));
        sb.append("\n|--------------|");
        ms.forEach(m -> sb.append("-----------------|"));
        sb.append('\n');
        for (CompareMethod method : shown) {
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
