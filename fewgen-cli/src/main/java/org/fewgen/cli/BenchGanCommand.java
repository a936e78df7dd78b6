package org.fewgen.cli;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.fewgen.bench.GanBenchmark;
import org.fewgen.bench.GanBenchmark.Size;
import org.fewgen.bench.BenchReport;
import org.fewgen.bench.BenchRun;
import org.fewgen.bench.MachineInfo;
import org.fewgen.gan.ConvKind;
import org.fewgen.nn.Precision;
import org.fewgen.train.RunSettings;
import org.fewgen.util.Devices;
import org.fewgen.util.NativeMalloc;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen bench gan}: speed and memory of full training steps, conv vs dsc, side by side. */
@Command(name = "gan", mixinStandardHelpOptions = true,
        description = {"Time full Faster Projected GAN training steps (G phase, D phase, both Adams, EMA).",
                "Runs on random data for every (resolution, batch, generator) in one process, and prints",
                "ms/step, img/s, peak memory, parameters, convolution GFLOP and the dsc/conv ratios,",
                "plus a per-phase breakdown."})
public final class BenchGanCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--res", split = ",", defaultValue = "64,256",
            description = "image resolutions, comma-separated (default: ${DEFAULT-VALUE})")
    List<Integer> resolutions;

    @Option(names = "--batch", split = ",", defaultValue = "8,16",
            description = "batch sizes, comma-separated; every --res runs with every --batch (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--sizes", split = ",", paramLabel = "RESxBATCH",
            description = "explicit (resolution, batch) points instead of --res × --batch, e.g. 64x8,64x16,256x4")
    List<String> sizes;

    @Option(names = "--generator", split = ",", defaultValue = "conv,dsc", converter = Choices.Conv.class,
            paramLabel = "conv|dsc",
            description = "generator up-block convolutions: conv, dsc or both (default: ${DEFAULT-VALUE})")
    List<ConvKind> generators;

    @Option(names = "--precision", split = ",", defaultValue = "fp32", paramLabel = "fp32|bf16|auto",
            converter = Choices.Arithmetic.class,
            description = {"arithmetic of convolutions and matrix products, comma-separated to compare side by side:",
                    "fp32; bf16 (mixed precision: bf16 compute, fp32 weights, Adam state, batch-norm statistics",
                    "and losses); auto (bf16 where the CPU reports avx512_bf16/amx_bf16 or the GPU computes",
                    "bf16, fp32 otherwise). Every configuration runs in each (default: ${DEFAULT-VALUE})"})
    List<Precision> precisions;

    @Option(names = "--steps", defaultValue = "5", description = "timed steps per configuration (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "2",
            description = "untimed warm-up steps per configuration, after the FLOP-counting step (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--ngf", defaultValue = "" + org.fewgen.gan.GeneratorConfig.DEFAULT_NGF, paramLabel = "N",
            description = "generator width (default: ${DEFAULT-VALUE})")
    int ngf;

    @Option(names = "--d-conv", defaultValue = "conv", converter = Choices.Conv.class, paramLabel = "conv|dsc",
            description = "discriminator head convolutions: conv or dsc (default: ${DEFAULT-VALUE})")
    ConvKind dConv;

    @Option(names = "--backbone", defaultValue = org.fewgen.backbone.Backbones.DEFAULT,
            description = "feature network of D (default: ${DEFAULT-VALUE})")
    String backbone;

    @Option(names = "--d-input", paramLabel = "S",
            defaultValue = "" + org.fewgen.gan.DiscriminatorConfig.DEFAULT_FEATURE_INPUT_SIZE,
            description = "images smaller than S are resized to SxS before D's feature network (default: ${DEFAULT-VALUE})")
    int dInput;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "also profile one extra step per configuration with libtorch's profiler and write its trace"
                    + " to DIR/profile-<res>x<batch>-<generator>.json (Chrome trace format)")
    java.nio.file.Path profile;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--threads", description = "libtorch intra-op threads (default: all available processors)")
    Integer threads;

    @Option(names = "--seed", defaultValue = "" + RunSettings.DEFAULT_SEED, paramLabel = "S",
            description = "seed of weights and data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the numbers as JSON (atomic write, updated after every configuration)")
    Path json;

    @Option(names = "--out", paramLabel = "DIR",
            description = {"also make a numbered run folder under DIR, as gan train does (e.g. 00003-bench-gan-64x8-dsc):",
                    "config.json (the options, the machine, provenance) and the numbers as bench.json",
                    "(infer.json with --infer), updated after every configuration"})
    Path outFolder;

    @Option(names = "--phases", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "print the per-phase table (default: on; --no-phases hides it)")
    boolean phases;

    @Option(names = "--flops", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "count convolution FLOPs in one extra untimed step per configuration (default: on)")
    boolean flops;

    @Option(names = "--peak-gflops", paramLabel = "X",
            description = "the machine's peak GFLOP/s for '%% of peak' (default: measured with a large 3×3 convolution)")
    Double peakGflops;

    @Option(names = "--infer",
            description = {"instead of training steps, time sampling and FID throughput: images/s of the generator",
                    "(eval mode, no gradients, as gan generate runs the EMA generator) and of the Inception v3",
                    "embedding FID uses, for every --sizes/--res x --batch point, --generator and --precision;",
                    "--steps timed batches after --warmup untimed ones"})
    boolean infer;

    @Option(names = "--inception-weights", paramLabel = "FILE",
            description = "Inception v3 safetensors for --infer (default: $FEWGEN_INCEPTION_WEIGHTS, else"
                    + " $FEWGEN_WEIGHTS/inception_v3.nsfwjs.safetensors; without one the embedding rows are skipped)")
    Path inceptionWeights;

    @Option(names = "--contend", paramLabel = "N", defaultValue = "0",
            description = {"then time every configuration again while N CPU-bound processes compete for the cores,",
                    "and print quiet vs loaded ms/step and their ratio (default: 0, off)"})
    int contend;

    /** The full command line, for the report; set by tests or the launcher. */
    String commandLine;

    @Override
    public Integer call() throws Exception {
        List<Size> points = points();
        List<ConvKind> kinds = generators;
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, not " + threads);
        }
        if (contend < 0) {
            throw new IllegalArgumentException("--contend must be 0 or more, not " + contend);
        }
        if (peakGflops != null && !(peakGflops > 0)) {
            throw new IllegalArgumentException("--peak-gflops must be positive, not " + peakGflops);
        }
        if (outFolder != null) {
            OutputFolders.require("--out", outFolder);
        }
        Device d = Devices.choose(device.name()); // loads the engine, which the thread setting needs
        List<Precision> resolved = new ArrayList<>();
        var out = spec.commandLine().getOut();
        for (Precision p : precisions) {
            Precision r = p.resolve(d);
            if (!resolved.contains(r)) {
                resolved.add(r);
            }
            out.println(Precision.describe(p, r, d));
        }
        GanBenchmark.Options options = new GanBenchmark.Options(points, kinds, steps, warmup, ngf,
                dConv, backbone, seed, flops, dInput, profile, resolved);
        // libtorch's own default is the number of physical cores, and DJL only changes it when
        // -Dai.djl.pytorch.num_threads is set; set it explicitly so the report states what ran
        JniUtils.setNumThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        String mallocHint = NativeMalloc.hint(d);
        if (mallocHint != null) {
            out.println(mallocHint);
        }
        String ompHint = org.fewgen.util.OpenMp.hint(d);
        if (ompHint != null) {
            out.println(ompHint);
        }
        try (BenchRun run = outFolder == null ? null : BenchRun.create(outFolder, runDescription(points, kinds, resolved),
                settings(points, kinds, resolved), MachineInfo.describe(d, commandLine()), d, out::println)) {
            if (run != null) {
                out.println("run folder: " + run.dir());
            }
            return infer ? infer(points, kinds, resolved, d, out, resultFiles(run, "infer.json"))
                    : measure(options, d, out, resultFiles(run, "bench.json"));
        }
    }

    /** Where the numbers go: --json and the run folder's file, those that were asked for. */
    private List<Path> resultFiles(BenchRun run, String name) {
        List<Path> files = new ArrayList<>();
        if (json != null) {
            files.add(json);
        }
        if (run != null) {
            files.add(run.dir().resolve(name));
        }
        return files;
    }

    private int measure(GanBenchmark.Options options, Device d, java.io.PrintWriter out, List<Path> files)
            throws Exception {
        BenchReport report = GanBenchmark.measure(options, d, peakGflops, commandLine(), line -> {
            out.println(line);
            out.flush();
        }, partial -> {
            // rewritten after every configuration: an interrupted run keeps what it measured
            try {
                for (Path f : files) {
                    partial.writeJson(f);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
        });
        out.println();
        out.print(report.header());
        out.println();
        out.print(report.mainTable());
        if (phases) {
            out.println();
            out.print(report.phaseTable());
        }
        if (!files.isEmpty()) {
            out.println();
        }
        for (Path f : files) {
            report.writeJson(f);
            out.println("wrote " + f);
        }
        if (contend > 0) {
            contention(options, d, report, out);
        }
        out.flush();
        return 0;
    }

    private int infer(List<Size> points, List<ConvKind> kinds, List<Precision> resolved, Device d,
                      java.io.PrintWriter out, List<Path> files) throws java.io.IOException {
        Path weights = null;
        try {
            weights = org.fewgen.metrics.InceptionWeights.resolve(inceptionWeights);
        } catch (IllegalArgumentException e) {
            if (inceptionWeights != null) {
                throw e;
            }
            out.println("no Inception weights found: the embedding rows are skipped (" + e.getMessage() + ")");
        }
        MachineInfo m = MachineInfo.describe(d, commandLine());
        List<org.fewgen.bench.InferBenchmark.Result> results = org.fewgen.bench.InferBenchmark.run(points, kinds,
                resolved, ngf, steps, warmup, seed, weights, d, line -> {
                    out.println(line);
                    out.flush();
                });
        out.println();
        out.println("fewgen bench gan --infer — " + m.date());
        out.println("command: " + m.commandLine());
        out.println("machine: " + m.cpuModel() + ", " + m.cores() + " cores; libtorch " + m.torchIntraOpThreads()
                + " intra-op threads; device " + m.device() + "; " + m.engine());
        String flags = MachineInfo.cpuFlags();
        if (!flags.isEmpty()) {
            out.println("cpu flags: " + flags);
        }
        out.println();
        out.print(org.fewgen.bench.InferBenchmark.table(results));
        if (!files.isEmpty()) {
            com.google.gson.JsonObject root = new com.google.gson.JsonObject();
            root.addProperty("date", m.date());
            root.addProperty("command_line", m.commandLine());
            root.addProperty("cpu_model", m.cpuModel());
            root.addProperty("cpu_flags", flags);
            root.addProperty("threads", m.torchIntraOpThreads());
            com.google.gson.JsonArray arr = new com.google.gson.JsonArray();
            for (org.fewgen.bench.InferBenchmark.Result r : results) {
                com.google.gson.JsonObject o = new com.google.gson.JsonObject();
                o.addProperty("network", r.what());
                o.addProperty("resolution", r.resolution());
                o.addProperty("batch", r.batch());
                o.addProperty("precision", r.precision().label());
                o.addProperty("median_ms", r.medianMillis());
                o.addProperty("images_per_second", r.imagesPerSecond());
                com.google.gson.JsonArray ms = new com.google.gson.JsonArray();
                for (double v : r.batchMillis()) {
                    ms.add(v);
                }
                o.add("batch_ms", ms);
                arr.add(o);
            }
            root.add("results", arr);
            String text = new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
            for (Path f : files) {
                org.fewgen.io.AtomicFiles.writeString(f, text);
                out.println("wrote " + f);
            }
        }
        out.flush();
        return 0;
    }

    /** The slow-down a busy machine causes, measured: the same configurations again under a competing load. */
    private void contention(GanBenchmark.Options options, Device d, BenchReport quiet, java.io.PrintWriter out)
            throws Exception {
        out.println();
        out.printf(Locale.ROOT, "competing load: %d CPU-bound processes on %d cores; OMP_WAIT_POLICY=%s,"
                + " GOMP_SPINCOUNT=%s, %d threads%n", contend, Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                System.getenv().getOrDefault("GOMP_SPINCOUNT", "(unset: libgomp's default)"), JniUtils.getNumThreads());
        BenchReport loaded;
        try (org.fewgen.bench.CompetingLoad load = org.fewgen.bench.CompetingLoad.start(contend)) {
            loaded = GanBenchmark.measure(options, d, peakGflops != null ? peakGflops : 1.0, commandLine(), line -> { },
                    partial -> { });
        }
        out.println("| config | quiet ms/step | loaded ms/step | loaded / quiet |");
        out.println("|---|---|---|---|");
        for (int i = 0; i < quiet.results().size(); i++) {
            GanBenchmark.ConfigResult q = quiet.results().get(i);
            GanBenchmark.ConfigResult l = loaded.results().get(i);
            out.printf(Locale.ROOT, "| %dx%d %s%s | %.1f | %.1f | %.2fx |%n", q.resolution(), q.batch(),
                    q.generator().name().toLowerCase(Locale.ROOT),
                    q.precision() == Precision.FP32 ? "" : " " + q.precision().label(), q.medianMillis(), l.medianMillis(),
                    l.medianMillis() / q.medianMillis());
        }
    }

    private List<Size> points() {
        List<Size> out = new ArrayList<>();
        if (sizes != null && !sizes.isEmpty()) {
            for (String s : sizes) {
                String[] parts = s.toLowerCase(Locale.ROOT).split("x");
                try {
                    if (parts.length != 2) {
                        throw new NumberFormatException();
                    }
                    out.add(size(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--sizes: '" + s + "' is not RESxBATCH (e.g. 64x8)");
                }
            }
            return out;
        }
        for (int r : resolutions) {
            for (int b : batches) {
                out.add(size(r, b));
            }
        }
        return out;
    }

    private static Size size(int res, int batch) {
        new org.fewgen.gan.GeneratorConfig(res, org.fewgen.gan.GeneratorConfig.DEFAULT_NGF,
                org.fewgen.gan.GeneratorConfig.DEFAULT_Z_DIM, ConvKind.DSC); // FastGAN's resolution check
        if (batch < 2) {
            throw new IllegalArgumentException("--batch must be at least 2 (batch norm), not " + batch);
        }
        return new Size(res, batch);
    }


    /** The run folder's name after its number: {@code bench-gan[-infer]-64x8_256x4-conv_dsc[-fp32_bf16]}. */
    private String runDescription(List<Size> points, List<ConvKind> kinds, List<Precision> resolved) {
        String sizes = points.stream().map(Size::toString).collect(java.util.stream.Collectors.joining("_"));
        String gens = kinds.stream().map(ConvKind::label).collect(java.util.stream.Collectors.joining("_"));
        String precs = resolved.stream().map(Precision::label).collect(java.util.stream.Collectors.joining("_"));
        return "bench-gan" + (infer ? "-infer" : "") + "-" + sizes + "-" + gens
                + (resolved.equals(List.of(Precision.FP32)) ? "" : "-" + precs);
    }

    /** The options as run (precisions resolved, threads as set), for the run folder's config.json. */
    private JsonObject settings(List<Size> points, List<ConvKind> kinds, List<Precision> resolved) {
        JsonObject o = new JsonObject();
        o.addProperty("command", "bench gan");
        o.addProperty("infer", infer);
        o.add("sizes", strings(points.stream().map(Size::toString).toList()));
        o.add("generators", strings(kinds.stream().map(ConvKind::label).toList()));
        o.add("precisions", strings(resolved.stream().map(Precision::label).toList()));
        o.addProperty("steps", steps);
        o.addProperty("warmup", warmup);
        o.addProperty("ngf", ngf);
        o.addProperty("d_conv", dConv.label());
        o.addProperty("backbone", backbone);
        o.addProperty("d_input", dInput);
        o.addProperty("seed", seed);
        o.addProperty("threads", JniUtils.getNumThreads());
        o.addProperty("flops", flops);
        if (peakGflops != null) {
            o.addProperty("peak_gflops", peakGflops);
        }
        o.addProperty("contend", contend);
        if (profile != null) {
            o.addProperty("profile", profile.toString());
        }
        return o;
    }

    private static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private String commandLine() {
        if (commandLine != null) {
            return commandLine;
        }
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "fewgen bench gan " + String.join(" ", args).replaceFirst("^bench gan ?", "");
    }
}
