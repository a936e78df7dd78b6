package org.fewgen;

import ai.djl.Device;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.metrics.DatasetStats;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.metrics.KernelDistance;
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

    private Fid(Builder b) {
        this.weights = b.weights;
        this.resolution = b.resolution;
        this.kid = b.kid;
        this.device = b.device;
        this.batch = b.batch;
        this.limit = b.limit;
        this.cache = b.cache;
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
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
            InceptionWeights.Info info = InceptionWeights.inspect(InceptionWeights.resolve(weights), null);
            ImageSet a = ImageSources.load(real, resolution, Transform.CENTER_CROP);
            ImageSet b = ImageSources.load(fake, resolution, Transform.CENTER_CROP);
            int na = limit == 0 ? a.size() : Math.min(limit, a.size());
            int nb = limit == 0 ? b.size() : Math.min(limit, b.size());
            if (na < 2 || nb < 2) {
                throw new IllegalArgumentException("FID needs at least 2 images per set: " + real + " has " + a.size()
                        + ", " + fake + " has " + b.size());
            }
            try (FidEvaluator eval = FidEvaluator.open(info, d, batch, cache, Progress.NONE, quiet)) {
                DatasetStats ra = eval.realStats(a, na, kid);
                DatasetStats rb = eval.stats("fake", b, nb, kid);
                FidEvaluator.Result r = eval.evaluate(ra, rb, kid);
                return new Result(r.fid(), r.kid(), r.realCount(), r.fakeCount(), r.network(), r.standard());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * @param fid the Fréchet distance
     * @param kid kernel inception distance (mean, standard deviation over subsets), or null when not asked for
     * @param countA images used from the first set
     * @param countB images used from the second set
     * @param network the feature network, as identified from the weights
     * @param standard whether it is the standard FID Inception (values comparable with publications)
     */
    public record Result(double fid, KernelDistance.Result kid, long countA, long countB, String network,
                         boolean standard) {
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

        public Fid build() {
            return new Fid(this);
        }
    }
}
