package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.fewgen.gan.ConvKind;
import org.fewgen.metrics.InceptionFeatures;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Precision;
import org.fewgen.nn.Tensors;
import org.fewgen.train.FastGanNetworks;
import org.fewgen.train.Net;
import org.fewgen.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Sampling and FID throughput: images per second of the generator in eval mode without gradients
 * (as {@code gan generate} and FID sampling run the EMA generator) and of the Inception v3 pool3
 * embedding that FID uses (bilinear resize to 299² included), each in every requested precision.
 * Per configuration: fresh weights, {@code warmup} untimed batches, then {@code reps} timed
 * batches; images/s at the median batch time.
 */
public final class InferBenchmark {

    private InferBenchmark() {
    }

    /** One measured configuration; {@code what} is {@code "G conv"}, {@code "G dsc"} or {@code "inception"}. */
    public record Result(String what, int resolution, int batch, Precision precision, double[] batchMillis) {
        public double medianMillis() {
            double[] s = batchMillis.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        public double imagesPerSecond() {
            return batch * 1000.0 / medianMillis();
        }
    }

    /**
     * @param inceptionWeights the Inception file for the embedding rows, or null to skip them
     */
    public static List<Result> run(List<GanBenchmark.Size> sizes, List<ConvKind> generators, List<Precision> precisions,
                                   int ngf, int reps, int warmup, long seed, Path inceptionWeights, Device device,
                                   Consumer<String> log) throws IOException {
        List<Result> out = new ArrayList<>();
        for (GanBenchmark.Size size : sizes) {
            for (ConvKind g : generators) {
                for (Precision p : precisions) {
                    TrainConfig c = TrainConfig.builder().data("random").resolution(size.resolution())
                            .batch(size.batch()).generator(g).ngf(ngf).seed(seed).build();
                    try (NDManager m = NDManager.newBaseManager(device)) {
                        ai.djl.pytorch.jni.JniUtils.setSeed(seed);
                        Net net = new FastGanNetworks().generator(m, c);
                        net.module().setTrainable(false);
                        net.module().train(false);
                        NDArray z = m.randomNormal(new Shape(size.batch(), c.generator().zDim()));
                        Result r = time("G " + g.name().toLowerCase(Locale.ROOT), size, p, reps, warmup, m,
                                () -> net.apply(z));
                        log.accept(line(r));
                        out.add(r);
                    }
                }
            }
            if (inceptionWeights != null) {
                InceptionWeights.Info info = InceptionWeights.inspect(inceptionWeights, null);
                try (InceptionFeatures inception = InceptionFeatures.open(info, device);
                     NDManager m = NDManager.newBaseManager(device)) {
                    ai.djl.pytorch.jni.JniUtils.setSeed(seed);
                    NDArray images = m.randomUniform(-1, 1, new Shape(size.batch(), 3, size.resolution(),
                            size.resolution()));
                    for (Precision p : precisions) {
                        Result r = time("inception", size, p, reps, warmup, m, () -> inception.embed(images));
                        log.accept(line(r));
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private static Result time(String what, GanBenchmark.Size size, Precision p, int reps, int warmup, NDManager m,
                               java.util.function.Supplier<NDArray> body) {
        double[] ms = new double[reps];
        try (Autocast.Scope cast = Autocast.enter(p)) {
            for (int i = -warmup; i < reps; i++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    DeviceSync.sync(m);
                    long t0 = System.nanoTime();
                    Tensors.noGrad(body);
                    DeviceSync.sync(m);
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        return new Result(what, size.resolution(), size.batch(), p, ms);
    }

    private static String line(Result r) {
        return String.format(Locale.ROOT, "%s %d²/b%d %s: median %.1f ms/batch, %.1f img/s", r.what(), r.resolution(),
                r.batch(), r.precision().label(), r.medianMillis(), r.imagesPerSecond());
    }

    /** A Markdown table of the results, with bf16/fp32 ratios of throughput where both ran. */
    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| network | res | batch | precision | ms/batch median | min–max | img/s | img/s bf16/fp32 |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            String ratio = "";
            if (r.precision() == Precision.BF16) {
                for (Result f : results) {
                    if (f.precision() == Precision.FP32 && f.what().equals(r.what()) && f.resolution() == r.resolution()
                            && f.batch() == r.batch()) {
                        ratio = String.format(Locale.ROOT, "%.2f", r.imagesPerSecond() / f.imagesPerSecond());
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.1f | %.1f–%.1f | %.1f | %s |%n", r.what(),
                    r.resolution(), r.batch(), r.precision().label(), r.medianMillis(),
                    Arrays.stream(r.batchMillis()).min().orElse(Double.NaN),
                    Arrays.stream(r.batchMillis()).max().orElse(Double.NaN), r.imagesPerSecond(), ratio));
        }
        sb.append("\nG: the generator in eval mode without gradients (as gan generate and FID sampling run the EMA"
                + " generator), output in fp32; inception: pool3 features of images at the row's resolution,"
                + " bilinear resize to 299² included.\n");
        return sb.toString();
    }
}
