package org.fewgen;

import ai.djl.Device;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.metrics.DatasetStats;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.metrics.KernelDistance;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Precision;
import org.fewgen.util.Progress;
import org.fewgen.util.Devices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Fréchet Inception Distance (and optionally KID) between two image sets: folders, zips, IDX files
 * or {@code builtin:} sets, as {@code fewgen metrics fid} takes them.
 *
 * <pre>{@code
 * double fid = Fid.between(Path.of("real"), Path.of("fakes"));
 * Fid.Result r = Fid.builder().weights(Path.of("pt_inception.safetensors")).resolution(64).kid(true).build()
 *         .compute("real", "fakes");
 * }</pre>
 *
 * The Inception weights come from {@link Builder#weights}, else {@code $FEWGEN_INCEPTION_WEIGHTS},
 * else the nsfwjs InceptionV3 in {@code $FEWGEN_WEIGHTS}; only the pytorch-fid weights give FIDs
 * comparable with published ones ({@link Result#standard()}).
 */
public final class Fid {

    private final Path weights;
    private final int resolution;
    private final boolean kid;
    private final String device;
    private final int batch;
    private final int limit;
    private final boolean cache;
    private final InceptionWeights.Kind variant;
    private final Transform transform;
    private final Precision precision;
    private final PrintStream log;

    private Fid(Builder b) {
        this.weights = b.weights;
        this.resolution = b.resolution;
        this.kid = b.kid;
        this.device = b.device;
        this.batch = b.batch;
        this.limit = b.limit;
        this.cache = b.cache;
        this.variant = b.variant;
        this.transform = b.transform;
        this.precision = b.precision;
        this.log = b.log;
    }

    /** FID between two image sets with the default settings (see {@link Builder}). */
    public static double between(Path a, Path b) {
        return builder().build().compute(a.toString(), b.toString()).fid();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param real a real image source (the one whose statistics are cached)
     * @param fake the other image source
     * @throws IllegalArgumentException naming the source or weights file that cannot be used
     */
    public Result compute(String real, String fake) {
        Device d = Devices.choose(device);
        PrintStream out = log == null ? new PrintStream(OutputStream.nullOutputStream()) : log;
        try {
            InceptionWeights.Info info = InceptionWeights.inspect(InceptionWeights.resolve(weights), variant);
            ImageSet a = ImageSources.load(real, resolution, transform);
            ImageSet b = ImageSources.load(fake, resolution, transform);
            int na = limit == 0 ? a.size() : Math.min(limit, a.size());
            int nb = limit == 0 ? b.size() : Math.min(limit, b.size());
            if (na < 2 || nb < 2) {
                throw new IllegalArgumentException("FID needs at least 2 images per set: " + real + " has " + a.size()
                        + ", " + fake + " has " + b.size());
            }
            out.printf("real: %s, using %d%nfake: %s, using %d%nnetwork: %s on %s%n", a, na, b, nb, info.describe(), d);
            Precision resolved = precision.resolve(d);
            out.println(Precision.describe(precision, resolved, d));
            try (Autocast.Scope cast = Autocast.enter(resolved);
                 FidEvaluator eval = FidEvaluator.open(info, d, batch, cache,
                         log == null ? Progress.NONE : Progress.auto(log), out)) {
                DatasetStats ra = eval.realStats(a, na, kid);
                DatasetStats rb = eval.stats("fake", b, nb, kid);
                FidEvaluator.Result r = eval.evaluate(ra, rb, kid);
                return new Result(r, a.fingerprint(), b.fingerprint(), info.file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * One FID evaluation: the evaluator's result and what identifies the two sets and the network.
     *
     * @param details the evaluator's result: its {@code report()} is the text {@code fewgen metrics fid}
     *     prints and its {@code toJson()} the fields of its JSON
     * @param fingerprintA content fingerprint of the first set (as run folders record their data)
     * @param fingerprintB content fingerprint of the second set
     * @param weightsFile the Inception weights file used
     */
    public record Result(FidEvaluator.Result details, String fingerprintA, String fingerprintB, Path weightsFile) {

        /** The Fréchet distance. */
        public double fid() {
            return details.fid();
        }

        /** Kernel inception distance (mean, standard deviation over subsets), or null when not asked for. */
        public KernelDistance.Result kid() {
            return details.kid();
        }

        /** Images used from the first set. */
        public long countA() {
            return details.realCount();
        }

        /** Images used from the second set. */
        public long countB() {
            return details.fakeCount();
        }

        /** The feature network, as identified from the weights. */
        public String network() {
            return details.network();
        }

        /** Whether it is the standard FID Inception (values comparable with publications). */
        public boolean standard() {
            return details.standard();
        }
    }

    /** Settings; the defaults are {@code fewgen metrics fid}'s. */
    public static final class Builder {
        private Path weights;
        private int resolution = 256;
        private boolean kid;
        private String device = "auto";
        private int batch = 32;
        private int limit;
        private boolean cache = true;
        private InceptionWeights.Kind variant;
        private Transform transform = Transform.CENTER_CROP;
        private Precision precision = Precision.FP32;
        private PrintStream log;

        private Builder() {
        }

        /** The Inception weights file (safetensors); default: the environment lookup. */
        public Builder weights(Path file) { weights = file; return this; }

        /** Side images are loaded at before the resize to 299 (default 256). */
        public Builder resolution(int side) {
            if (side < 8) {
                throw new IllegalArgumentException("resolution must be at least 8, not " + side);
            }
            resolution = side;
            return this;
        }

        /** Also computes KID (default off). */
        public Builder kid(boolean on) { kid = on; return this; }

        /** {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (default auto). */
        public Builder device(String d) { device = d; return this; }

        /** Images per forward pass (default 32). */
        public Builder batch(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batch must be at least 1, not " + n);
            }
            batch = n;
            return this;
        }

        /** Uses only the first {@code n} images of each set; 0 = all (default). */
        public Builder limit(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("limit must be >= 0 (0 = all images), not " + n);
            }
            limit = n;
            return this;
        }

        /** Caches the first set's statistics on disk (default on). */
        public Builder cache(boolean on) { cache = on; return this; }

        /** The network variant (fid, imagenet, nsfwjs); default: detected from the file's classifier. */
        public Builder variant(InceptionWeights.Kind kind) { variant = kind; return this; }

        /** How non-square images become square (default: center crop). */
        public Builder transform(Transform t) { transform = java.util.Objects.requireNonNull(t, "transform"); return this; }

        /** Arithmetic of the Inception network (default fp32; {@code auto} resolves for the device). */
        public Builder precision(Precision p) { precision = java.util.Objects.requireNonNull(p, "precision"); return this; }

        /** Where the sets, the network and progress are reported; default: nowhere. */
        public Builder log(PrintStream out) { log = out; return this; }

        public Fid build() {
            return new Fid(this);
        }
    }
}
