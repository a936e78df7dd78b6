package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.gan.ConvKind;
import org.fewgen.nn.FlopCounter;
import org.fewgen.nn.Precision;
import org.fewgen.train.FastGanNetworks;
import org.fewgen.train.GanTrainer;
import org.fewgen.train.NetworkFactory;
import org.fewgen.train.MemoryStats;
import org.fewgen.train.Phase;
import org.fewgen.train.TrainConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures full Faster Projected GAN training steps (G phase, D phase, both Adam updates, EMA)
 * for several configurations one after the other in this process, so that they can be compared
 * side by side under the same conditions.
 *
 * <p>Per configuration: fresh networks in their own manager (closed afterwards), random data,
 * one untimed step that counts convolution FLOPs (it also warms up), {@code warmup} more untimed
 * steps, then {@code steps} timed steps. The memory peak is reset before the networks are built.
 */
public final class GanBenchmark {

    private GanBenchmark() {
    }

    /** One (resolution, batch) point. */
    public record Size(int resolution, int batch) {
        @Override
        public String toString() {
            return resolution + "x" + batch;
        }
    }

    /**
     * @param sizes (resolution, batch) points, in the order they run
     * @param generators generator kinds run at each size
     * @param steps timed steps per configuration (≥ 1)
     * @param warmup untimed steps after the counting step (≥ 0)
     * @param ngf generator width
     * @param dConv convolution of D's heads
     * @param backbone feature network name
     * @param seed seed of weights and data
     * @param countFlops whether to run the FLOP-counting step
     * @param dInput feature-network input side of D for images smaller than it (224 as the reference)
     * @param profileDir where to write a libtorch profiler trace of one extra, untimed step per
     *     configuration ({@code profile-<res>x<batch>-<generator>.json}), or null for none
     * @param precisions the precisions each (size, generator) runs in, one after the other
     */
    public record Options(List<Size> sizes, List<ConvKind> generators, int steps, int warmup, int ngf, ConvKind dConv,
                          String backbone, long seed, boolean countFlops, int dInput, Path profileDir,
                          List<Precision> precisions) {

        /** Options in fp32 only. */
        public Options(List<Size> sizes, List<ConvKind> generators, int steps, int warmup, int ngf, ConvKind dConv,
                       String backbone, long seed, boolean countFlops, int dInput, Path profileDir) {
            this(sizes, generators, steps, warmup, ngf, dConv, backbone, seed, countFlops, dInput, profileDir,
                    List.of(Precision.FP32));
        }

        public Options {
            if (precisions == null || precisions.isEmpty() || precisions.contains(Precision.AUTO)) {
                throw new IllegalArgumentException("resolved precisions (fp32, bf16) are required");
            }
            precisions = List.copyOf(precisions);
            if (sizes.isEmpty() || generators.isEmpty()) {
                throw new IllegalArgumentException("nothing to benchmark: no sizes or no generators");
            }
            if (steps < 1) {
                throw new org.fewgen.util.SettingException("steps", steps, "must be at least 1");
            }
            if (warmup < 0) {
                throw new org.fewgen.util.SettingException("warmup", warmup, "must not be negative");
            }
            sizes = List.copyOf(sizes);
            generators = List.copyOf(generators);
        }
    }

    /**
     * What one configuration measured.
     *
     * @param stepMillis the timed steps, in order (wall clock)
     * @param cpuMillis CPU time of this process (all threads) during each timed step; on a
     *     machine shared with other work it moves much less than the wall clock
     * @param baselineBytes memory in use before the networks were built (RSS or device memory)
     * @param peakBytes peak memory during the configuration (peak RSS, or sampled device memory)
     * @param flops counted convolution/linear FLOPs of one step (null when not counted)
     * @param phaseMillis mean milliseconds of each phase over the timed steps
     * @param skippedSteps timed steps whose update was skipped for a non-finite loss
     * @param precision the arithmetic of the step's convolutions and matrix products
     */
    public record ConfigResult(int resolution, int batch, ConvKind generator, ConvKind dConv, int ngf,
                               long generatorParams, long discriminatorTrainableParams, double[] stepMillis,
                               double[] cpuMillis, long baselineBytes, long peakBytes, FlopCounter.Totals flops,
                               Map<Phase, Double> phaseMillis, int skippedSteps, Precision precision) {

        public double medianMillis() {
            return quantile(0.5);
        }

        /** Median process CPU time per timed step. */
        public double medianCpuMillis() {
            double[] c = cpuMillis.clone();
            Arrays.sort(c);
            int n = c.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
        }

        public double minMillis() {
            return Arrays.stream(stepMillis).min().orElse(Double.NaN);
        }

        public double maxMillis() {
            return Arrays.stream(stepMillis).max().orElse(Double.NaN);
        }

        public double meanMillis() {
            return Arrays.stream(stepMillis).average().orElse(Double.NaN);
        }

        /** Linear-interpolated quantile of the step times. */
        public double quantile(double q) {
            double[] s = stepMillis.clone();
            Arrays.sort(s);
            if (s.length == 0) {
                return Double.NaN;
            }
            double pos = q * (s.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = (int) Math.ceil(pos);
            return s[lo] + (s[hi] - s[lo]) * (pos - lo);
        }

        /** Images per second at the median step time. */
        public double imagesPerSecond() {
            return batch * 1000.0 / medianMillis();
        }

        /** Counted GFLOP per step, or NaN. */
        public double gflopPerStep() {
            return flops == null ? Double.NaN : flops.totalFlops() / 1e9;
        }

        /** Counted FLOPs over the median step time, in GFLOP/s. */
        public double achievedGflops() {
            return gflopPerStep() / (medianMillis() / 1000.0);
        }

        /** Step time minus the sum of the phase means: scope closing and glue between phases. */
        public double otherMillis() {
            double sum = phaseMillis.values().stream().mapToDouble(Double::doubleValue).sum();
            return meanMillis() - sum;
        }

        public String label() {
            return resolution + "²/b" + batch + " " + generator.name().toLowerCase(java.util.Locale.ROOT) + " "
                    + precision.label();
        }
    }

    /**
     * The whole benchmark: the machine's convolution peak (unless given), every configuration,
     * and the report.
     *
     * @param peakGflops the peak for "% of peak", or null to measure it
     * @param commandLine recorded in the report
     * @param log progress lines
     */
    public static BenchReport measure(Options o, Device device, Double peakGflops, String commandLine,
                                      Consumer<String> log) {
        return measure(o, device, peakGflops, commandLine, log, r -> { });
    }

    /**
     * As {@link #measure(Options, Device, Double, String, Consumer)}, handing the report so far to
     * {@code partial} after every configuration (so a long run that is stopped keeps its numbers).
     */
    public static BenchReport measure(Options o, Device device, Double peakGflops, String commandLine,
                                      Consumer<String> log, Consumer<BenchReport> partial) {
        MachineInfo machine = MachineInfo.describe(device, commandLine);
        Map<Precision, Double> peaks = new java.util.EnumMap<>(Precision.class);
        String source;
        if (peakGflops != null) {
            for (Precision p : o.precisions()) {
                peaks.put(p, peakGflops);
            }
            source = "given with --peak-gflops";
        } else {
            for (Precision p : o.precisions()) {
                log.accept("measuring the " + p.label() + " peak: 3x3 convolution (8, 256, 64, 64), 256 -> 256 channels...");
                double peak = PeakConvThroughput.measureGflops(device, device.isGpu() ? 20 : 3, p);
                peaks.put(p, peak);
                log.accept(String.format(java.util.Locale.ROOT, "%s peak: %.0f GFLOP/s", p.label(), peak));
            }
            source = "measured: best of the 3x3 convolution (8, 256, 64, 64) 256->256, forward, in each precision";
        }
        List<ConfigResult> done = new ArrayList<>();
        run(o, device, new FastGanNetworks(), log, r -> {
            done.add(r);
            partial.accept(new BenchReport(machine, peaks, source, done));
        });
        return new BenchReport(machine, peaks, source, done);
    }

    /**
     * Runs every (size, generator) configuration.
     *
     * @param log receives one line when each configuration starts and ends
     * @param onResult receives each configuration's result as soon as it is measured
     */
    public static List<ConfigResult> run(Options o, Device device, NetworkFactory factory, Consumer<String> log,
                                         Consumer<ConfigResult> onResult) {
        List<ConfigResult> results = new ArrayList<>();
        MemoryStats memory = new MemoryStats(device);
        for (Size size : o.sizes()) {
            for (ConvKind g : o.generators()) {
                for (Precision p : o.precisions()) {
                    TrainConfig c = TrainConfig.builder().data("random").out("-").resolution(size.resolution())
                            .batch(size.batch()).generator(g).dConv(o.dConv()).ngf(o.ngf()).backbone(o.backbone())
                            .dInput(o.dInput()).seed(o.seed()).device(device.toString()).kimg(1).precision(p).build();
                    String label = label(size, g) + " " + p.label();
                    log.accept(String.format("%s: %d untimed + %d timed steps...", label,
                            (o.countFlops() ? 1 : 0) + o.warmup(), o.steps()));
                    ConfigResult r = runOne(c, o, device, factory, memory);
                    log.accept(String.format("%s: median %.0f ms/step, peak %.0f MiB", label, r.medianMillis(),
                            r.peakBytes() / 1048576.0));
                    results.add(r);
                    onResult.accept(r);
                }
            }
        }
        return results;
    }

    private static String label(Size s, ConvKind g) {
        return s.resolution() + "²/b" + s.batch() + " " + g.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static ConfigResult runOne(TrainConfig c, Options o, Device device, NetworkFactory factory,
                                       MemoryStats memory) {
        RandomTrainingData data = new RandomTrainingData(c.generator().resolution(), c.run().batch(), o.seed());
        // the previous configuration's Java garbage (and the finalizers of its arrays) must not
        // count towards this one
        System.gc();
        memory.resetPeak();
        long baseline = memory.currentBytes();
        try (GanTrainer trainer = new GanTrainer(c, factory, device)) {
            PhaseClock clock = new PhaseClock(trainer.manager(), memory);
            trainer.setPhaseTimer(clock);
            long gParams = trainer.generator().parameterCount();
            long dTrainable = 0;
            for (NDArray p : trainer.discriminator().namedParameters().values()) {
                if (p.hasGradient()) {
                    dTrainable += p.size();
                }
            }
            FlopCounter.Totals flops = null;
            if (o.countFlops()) {
                FlopCounter.start();
                try {
                    trainer.trainStep(data, false);
                } finally {
                    flops = FlopCounter.stop();
                }
            }
            for (int i = 0; i < o.warmup(); i++) {
                trainer.trainStep(data, false);
            }
            clock.setRecording(true);
            double[] times = new double[o.steps()];
            double[] cpu = new double[o.steps()];
            int skipped = 0;
            for (int i = 0; i < o.steps(); i++) {
                DeviceSync.sync(trainer.manager());
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                GanTrainer.StepResult r = trainer.trainStep(data, false);
                DeviceSync.sync(trainer.manager());
                times[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (processCpuNanos() - c0) / 1e6;
                memory.sample();
                if (r.nonFinite()) {
                    skipped++;
                }
            }
            ConfigResult result = new ConfigResult(c.generator().resolution(), c.run().batch(), c.generator().conv(),
                    c.discriminator().headConv(), c.generator().ngf(), gParams,
                    dTrainable, times, cpu, baseline, memory.peakBytes(), flops, clock.meanMillis(), skipped,
                    trainer.precision());
            if (o.profileDir() != null) {
                profileOneStep(trainer, data, o.profileDir().resolve(String.format(java.util.Locale.ROOT,
                        "profile-%dx%d-%s%s.json", c.generator().resolution(), c.run().batch(),
                        c.generator().conv().label(),
                        trainer.precision() == Precision.FP32 ? "" : "-" + trainer.precision().label())));
            }
            return result;
        }
    }

    /**
     * Runs one more step under libtorch's autograd profiler and writes its trace (Chrome trace
     * format: chrome://tracing or ui.perfetto.dev), with input shapes; after the timed steps, so
     * the profiler's overhead never reaches the table.
     */
    private static void profileOneStep(GanTrainer trainer, RandomTrainingData data, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("profile " + file + ": cannot create " + file.getParent(), e);
        }
        trainer.setPhaseTimer(null);
        JniUtils.startProfile(false, true, false);
        try {
            trainer.trainStep(data, false);
        } finally {
            JniUtils.stopProfile(file.toString());
        }
    }

    /** CPU time of this process, all threads, or −1 where the JVM cannot tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
