package org.fewgen.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.fewgen.gan.ConvKind;
import org.fewgen.io.AtomicFiles;
import org.fewgen.nn.Precision;
import org.fewgen.train.Phase;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's output: Markdown tables for people (step time, throughput, memory, FLOPs;
 * dsc/conv ratios; phases) and the same numbers as JSON.
 */
public final class BenchReport {

    private static final double MIB = 1024.0 * 1024.0;

    private final MachineInfo machine;
    private final Map<Precision, Double> peaks;
    private final String peakSource;
    private final List<GanBenchmark.ConfigResult> results;

    /**
     * @param peakGflops the reference throughput for "% of peak"
     * @param peakSource how it was obtained (measured, or given with --peak-gflops)
     */
    public BenchReport(MachineInfo machine, double peakGflops, String peakSource,
                       List<GanBenchmark.ConfigResult> results) {
        this(machine, Map.of(Precision.FP32, peakGflops), peakSource, results);
    }

    /**
     * @param peaks the reference throughput for "% of peak" of each precision that ran
     * @param peakSource how they were obtained
     */
    public BenchReport(MachineInfo machine, Map<Precision, Double> peaks, String peakSource,
                       List<GanBenchmark.ConfigResult> results) {
        this.machine = machine;
        this.peaks = new EnumMap<>(peaks);
        this.peakSource = peakSource;
        this.results = List.copyOf(results);
    }

    /** The "% of peak" reference of {@code p} (NaN when it was not measured). */
    public double peakGflops(Precision p) {
        Double v = peaks.get(p);
        return v == null ? Double.NaN : v;
    }

    /** An fp32 and a bf16 result of the same configuration. */
    public record PrecisionPair(GanBenchmark.ConfigResult fp32, GanBenchmark.ConfigResult bf16) {
        public double timeRatio() {
            return bf16.medianMillis() / fp32.medianMillis();
        }
    }

    public List<PrecisionPair> precisionPairs() {
        List<PrecisionPair> out = new ArrayList<>();
        for (GanBenchmark.ConfigResult f : results) {
            if (f.precision() != Precision.FP32) {
                continue;
            }
            for (GanBenchmark.ConfigResult b : results) {
                if (b.precision() == Precision.BF16 && b.resolution() == f.resolution() && b.batch() == f.batch()
                        && b.generator() == f.generator()) {
                    out.add(new PrecisionPair(f, b));
                }
            }
        }
        return out;
    }

    /** A conv and a dsc result at the same resolution, batch and precision. */
    public record Pair(GanBenchmark.ConfigResult conv, GanBenchmark.ConfigResult dsc) {
        public double timeRatio() {
            return dsc.medianMillis() / conv.medianMillis();
        }

        public double memoryRatio() {
            return (double) dsc.peakBytes() / conv.peakBytes();
        }
    }

    public List<GanBenchmark.ConfigResult> results() {
        return results;
    }

    public List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (GanBenchmark.ConfigResult c : results) {
            if (c.generator() != ConvKind.CONV) {
                continue;
            }
            for (GanBenchmark.ConfigResult d : results) {
                if (d.generator() == ConvKind.DSC && d.resolution() == c.resolution() && d.batch() == c.batch()
                        && d.precision() == c.precision()) {
                    out.add(new Pair(c, d));
                }
            }
        }
        return out;
    }

    /** The header lines: machine, date, command, threads, peak. */
    public String header() {
        StringBuilder sb = new StringBuilder();
        sb.append("fewgen bench gan — ").append(machine.date()).append('\n');
        sb.append("command: ").append(machine.commandLine()).append('\n');
        sb.append("machine: ").append(machine.cpuModel()).append(", ").append(machine.cores()).append(" cores; libtorch ")
                .append(machine.torchIntraOpThreads()).append(" intra-op / ").append(machine.torchInterOpThreads())
                .append(" inter-op threads; device ").append(machine.device());
        if (!machine.gpu().isEmpty()) {
            sb.append(" (").append(machine.gpu()).append(')');
        }
        sb.append('\n');
        sb.append("engine: ").append(machine.engine()).append(", Java ").append(machine.java()).append("; malloc: ")
                .append(machine.malloc()).append('\n');
        StringBuilder ps = new StringBuilder();
        peaks.forEach((p, v) -> ps.append(ps.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.0f GFLOP/s",
                p.label(), v)));
        if (peaks.size() == 1 && peaks.containsKey(Precision.FP32)) {
            sb.append(String.format(Locale.ROOT, "peak: %.0f GFLOP/s (%s)%n", peaks.get(Precision.FP32), peakSource));
        } else {
            sb.append("peak: ").append(ps).append(" (").append(peakSource).append(")\n");
        }
        String flags = MachineInfo.cpuFlags();
        if (!flags.isEmpty()) {
            sb.append("cpu flags: ").append(flags).append('\n');
        }
        return sb.toString();
    }

    /** Table 1 and the dsc/conv ratios. */
    public String mainTable() {
        StringBuilder sb = new StringBuilder();
        boolean gpu = machine.device().startsWith("gpu");
        sb.append("| res | batch | G | ms/step median | min–max | CPU ms/step | img/s | ")
                .append(gpu ? "peak device MiB | in use before MiB" : "peak RSS MiB | RSS before MiB")
                .append(" | G params | D trainable params | conv GFLOP/step | GFLOP/s | % of peak |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (GanBenchmark.ConfigResult r : results) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %.0f | %.0f–%.0f | %.0f | %.2f | %.0f | %.0f | %,d | %,d | %s | %s | %s |%n",
                    r.resolution(), r.batch(), kind(r), r.medianMillis(), r.minMillis(), r.maxMillis(),
                    r.medianCpuMillis(), r.imagesPerSecond(), r.peakBytes() / MIB, r.baselineBytes() / MIB, r.generatorParams(), r.discriminatorTrainableParams(),
                    fmt(r.gflopPerStep(), "%.0f"), fmt(r.achievedGflops(), "%.0f"),
                    fmt(100 * r.achievedGflops() / peakGflops(r.precision()), "%.0f%%")));
        }
        List<Pair> pairs = pairs();
        if (!pairs.isEmpty()) {
            sb.append('\n');
            boolean several = results.stream().anyMatch(r -> r.precision() != Precision.FP32);
            sb.append(several ? "| res | batch | precision | time dsc/conv | peak memory dsc/conv | dsc faster by |\n"
                    : "| res | batch | time dsc/conv | peak memory dsc/conv | dsc faster by |\n");
            sb.append(several ? "|---|---|---|---|---|---|\n" : "|---|---|---|---|---|\n");
            for (Pair p : pairs) {
                sb.append(String.format(Locale.ROOT, "| %d | %d |%s %.2f | %.2f | %.0f%% |%n", p.conv().resolution(),
                        p.conv().batch(), several ? " " + p.conv().precision().label() + " |" : "", p.timeRatio(),
                        p.memoryRatio(), 100 * (1 - p.timeRatio())));
            }
        }
        List<PrecisionPair> precisionPairs = precisionPairs();
        if (!precisionPairs.isEmpty()) {
            sb.append('\n');
            sb.append("| res | batch | G | fp32 ms/step | bf16 ms/step | time bf16/fp32 |\n");
            sb.append("|---|---|---|---|---|---|\n");
            for (PrecisionPair p : precisionPairs) {
                sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %.0f | %.0f | %.2f |%n", p.fp32().resolution(),
                        p.fp32().batch(), kind(p.fp32().generator()), p.fp32().medianMillis(), p.bf16().medianMillis(),
                        p.timeRatio()));
            }
        }
        sb.append("\nms/step: median wall-clock time over the timed steps, spread = fastest–slowest step;"
                + " CPU ms/step: median CPU time of the process (all threads) per step; img/s at the median;"
                + " memory before: in use before the configuration's networks were built (memory an earlier"
                + " configuration left to the allocator shows here and can raise the peak);"
                + " GFLOP counted once per step (convolutions and linear layers, forward + backward, 2 FLOPs per"
                + " multiply-add); G: the generator's convolutions, with the precision when it is not fp32; % of peak"
                + " against the peak of the row's precision.\n");
        return sb.toString();
    }

    /** Table 2: mean milliseconds of each phase. */
    public String phaseTable() {
        StringBuilder sb = new StringBuilder("| res | batch | G |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (Phase p : Phase.values()) {
            sb.append(' ').append(phaseName(p)).append(" |");
            rule.append("---|");
        }
        sb.append(" other | step (mean) |\n");
        rule.append("---|---|\n");
        sb.append(rule);
        for (GanBenchmark.ConfigResult r : results) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s |", r.resolution(), r.batch(), kind(r)));
            for (Phase p : Phase.values()) {
                Double ms = r.phaseMillis().get(p);
                sb.append(' ').append(ms == null ? "–" : String.format(Locale.ROOT, "%.0f", ms)).append(" |");
            }
            sb.append(String.format(Locale.ROOT, " %.0f | %.0f |%n", r.otherMillis(), r.meanMillis()));
        }
        sb.append("\nmean ms per phase over the timed steps; other = step minus the phases (closing the step's"
                + " arrays, glue). D fwd fake includes generating the fakes without gradients.\n");
        return sb.toString();
    }

    private static String phaseName(Phase p) {
        return switch (p) {
            case DATA -> "data";
            case G_FORWARD -> "G fwd (G+D)";
            case G_BACKWARD -> "G bwd";
            case G_OPTIMIZER -> "G Adam";
            case D_FORWARD_FAKE -> "D fwd fake";
            case D_FORWARD_REAL -> "D fwd real";
            case D_BACKWARD -> "D bwd";
            case D_OPTIMIZER -> "D Adam";
            case EMA -> "EMA";
        };
    }

    /** The generator kind, followed by the precision when it is not fp32 ({@code dsc bf16}). */
    private static String kind(GanBenchmark.ConfigResult r) {
        return kind(r.generator()) + (r.precision() == Precision.FP32 ? "" : " " + r.precision().label());
    }

    private static String kind(ConvKind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    private static String fmt(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "–";
    }

    /** Writes {@link #toJson()} to {@code file} atomically (temporary file, then rename). */
    public void writeJson(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson() + "\n");
    }

    /** Everything above as one JSON document. */
    public String toJson() {
        JsonObject root = new JsonObject();
        root.add("machine", machine.toJson());
        root.addProperty("peak_gflops", peakGflops(Precision.FP32));
        JsonObject peakObj = new JsonObject();
        peaks.forEach((p, v) -> peakObj.addProperty(p.label(), v));
        root.add("peak_gflops_by_precision", peakObj);
        root.addProperty("peak_source", peakSource);
        JsonArray configs = new JsonArray();
        for (GanBenchmark.ConfigResult r : results) {
            JsonObject o = new JsonObject();
            o.addProperty("resolution", r.resolution());
            o.addProperty("batch", r.batch());
            o.addProperty("generator", kind(r.generator()));
            o.addProperty("d_conv", kind(r.dConv()));
            o.addProperty("ngf", r.ngf());
            o.addProperty("precision", r.precision().label());
            JsonArray steps = new JsonArray();
            for (double t : r.stepMillis()) {
                steps.add(t);
            }
            o.add("step_ms", steps);
            JsonArray cpu = new JsonArray();
            for (double t : r.cpuMillis()) {
                cpu.add(t);
            }
            o.add("cpu_ms", cpu);
            o.addProperty("median_cpu_ms", r.medianCpuMillis());
            o.addProperty("median_ms", r.medianMillis());
            o.addProperty("min_ms", r.minMillis());
            o.addProperty("max_ms", r.maxMillis());
            o.addProperty("q1_ms", r.quantile(0.25));
            o.addProperty("q3_ms", r.quantile(0.75));
            o.addProperty("images_per_second", r.imagesPerSecond());
            o.addProperty("memory_kind", machine.device().startsWith("gpu") ? "device_used_sampled" : "peak_rss");
            o.addProperty("peak_mib", r.peakBytes() / MIB);
            o.addProperty("baseline_mib", r.baselineBytes() / MIB);
            o.addProperty("generator_params", r.generatorParams());
            o.addProperty("discriminator_trainable_params", r.discriminatorTrainableParams());
            if (r.flops() != null) {
                o.addProperty("gflop_per_step", r.gflopPerStep());
                o.addProperty("gflop_forward", r.flops().forwardFlops() / 1e9);
                o.addProperty("gflop_backward", r.flops().backwardFlops() / 1e9);
                o.addProperty("counted_calls", r.flops().calls());
                o.addProperty("achieved_gflops", r.achievedGflops());
                o.addProperty("percent_of_peak", 100 * r.achievedGflops() / peakGflops(r.precision()));
            }
            JsonObject phases = new JsonObject();
            r.phaseMillis().forEach((p, ms) -> phases.addProperty(p.name().toLowerCase(Locale.ROOT), ms));
            phases.addProperty("other", r.otherMillis());
            o.add("phase_mean_ms", phases);
            o.addProperty("skipped_steps", r.skippedSteps());
            configs.add(o);
        }
        root.add("configurations", configs);
        JsonArray ratios = new JsonArray();
        for (Pair p : pairs()) {
            JsonObject o = new JsonObject();
            o.addProperty("resolution", p.conv().resolution());
            o.addProperty("batch", p.conv().batch());
            o.addProperty("precision", p.conv().precision().label());
            o.addProperty("time_dsc_over_conv", p.timeRatio());
            o.addProperty("memory_dsc_over_conv", p.memoryRatio());
            ratios.add(o);
        }
        root.add("dsc_over_conv", ratios);
        JsonArray precisionRatios = new JsonArray();
        for (PrecisionPair p : precisionPairs()) {
            JsonObject o = new JsonObject();
            o.addProperty("resolution", p.fp32().resolution());
            o.addProperty("batch", p.fp32().batch());
            o.addProperty("generator", kind(p.fp32().generator()));
            o.addProperty("time_bf16_over_fp32", p.timeRatio());
            precisionRatios.add(o);
        }
        root.add("bf16_over_fp32", precisionRatios);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root);
    }
}
