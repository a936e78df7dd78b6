package org.fewgen.metrics;

import org.fewgen.util.Progress;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.fewgen.data.ImageSet;
import org.fewgen.nn.Tensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * FID/KID for the CLI and for the GAN trainer's periodic evaluation.
 *
 * <p>Typical use in a training loop (every {@code --metric-every} kimg; {@code train.FidMonitor} does
 * this and writes the result as a {@code metric} event of the run's {@code metrics.jsonl}):
 * <pre>{@code
 * FidEvaluator eval = FidEvaluator.open(null, null, device, 32, true, Progress.NONE, System.err);
 * DatasetStats real = eval.realStats(reals, reals.size(), false);  // all images; cached across runs
 * ...
 * // generator: IntFunction<NDArray> giving n images (n, 3, R, R) in [-1, 1]; each batch is closed
 * FidEvaluator.Result r = eval.evaluate(real, generator, 5000, false);
 * Map<String, Object> fields = r.toJson();
 * }</pre>
 *
 * <p>Every batch is embedded inside its own {@link NDScope}, so neither the images nor the
 * features outlive the step; only the float64 running sums (and, for KID, host copies of the
 * features) are kept.
 */
public final class FidEvaluator implements AutoCloseable {

    /** Seed of KID's subset draws, fixed so that values over a training run are comparable. */
    public static final long KID_SEED = 0;

    private final FeatureExtractor network;
    private final StatsCache cache;
    private final int batchSize;
    private final Progress.Factory progress;
    private final NDManager manager;
    private AutoCloseable ownedNetwork;

    /**
     * @param network the frozen feature network
     * @param cache statistics cache for real data, or null for none
     * @param batchSize images per forward pass when this class makes the batches
     * @param progress how embedding progress is shown
     */
    public FidEvaluator(FeatureExtractor network, StatsCache cache, int batchSize, Progress.Factory progress) {
        if (batchSize < 1) {
            throw new org.fewgen.util.SettingException("batch", batchSize, "must be at least 1");
        }
        this.network = network;
        this.cache = cache;
        this.batchSize = batchSize;
        this.progress = progress;
        this.manager = NDManager.newBaseManager(network.device());
    }

    /**
     * The evaluator the trainer and {@code fewgen gan fid} use: finds the Inception weights
     * ({@code weights}, else {@code $FEWGEN_INCEPTION_WEIGHTS}, else the nsfwjs file in
     * {@code $FEWGEN_WEIGHTS}), identifies them, loads the network on {@code device} and uses the
     * default statistics cache. Closing the evaluator frees the network.
     *
     * @param weights a weights file, or null for the default lookup
     * @param variant a forced variant, or null to detect it from the file
     * @param useCache whether real statistics are cached on disk
     * @param log where cache warnings go
     * @throws IOException naming the weights file when it cannot be used
     */
    public static FidEvaluator open(Path weights, InceptionWeights.Kind variant, Device device, int batchSize,
                                    boolean useCache, Progress.Factory progress, PrintStream log) throws IOException {
        return open(InceptionWeights.inspect(InceptionWeights.resolve(weights), variant), device, batchSize, useCache,
                progress, log);
    }

    /**
     * An evaluator on the bundled MobileNetV2's pooled features ({@link MobileNetV2Features}), for
     * when no Inception file is configured; it owns and closes the network.
     */
    public static FidEvaluator openBundled(Device device, int batchSize, boolean useCache, Progress.Factory progress,
                                           PrintStream log) {
        MobileNetV2Features net = new MobileNetV2Features(device);
        try {
            FidEvaluator eval = new FidEvaluator(net, useCache ? StatsCache.defaultCache(log) : null, batchSize, progress);
            eval.ownedNetwork = net;
            return eval;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** As {@link #open(Path, InceptionWeights.Kind, Device, int, boolean, Progress.Factory, PrintStream)}, for weights already inspected. */
    public static FidEvaluator open(InceptionWeights.Info info, Device device, int batchSize, boolean useCache,
                                    Progress.Factory progress, PrintStream log) throws IOException {
        InceptionFeatures net = InceptionFeatures.open(info, device);
        try {
            FidEvaluator eval = new FidEvaluator(net, useCache ? StatsCache.defaultCache(log) : null, batchSize, progress);
            eval.ownedNetwork = net;
            return eval;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** The feature network in use. */
    public FeatureExtractor network() {
        return network;
    }

    /** Images per forward pass. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Statistics of a real data set, read from the cache when the same data (by content hash),
     * network, resolution and count were embedded before.
     *
     * @param dataFingerprint content hash of the images
     * @param resolution side length the images were loaded at
     * @param count number of images the batches deliver
     * @param batches a fresh iterator over (B, 3, H, W) image batches, called only on a cache miss
     * @param keepFeatures whether KID will be computed
     */
    public DatasetStats realStats(String dataFingerprint, int resolution, long count,
                                  Supplier<Iterator<NDArray>> batches, boolean keepFeatures) {
        boolean keep = keepFeatures || smallSet(count);
        String networkId = networkId();
        StatsCache.Key key = new StatsCache.Key(dataFingerprint, networkId, resolution, count);
        if (cache != null) {
            var hit = cache.load(key, keep);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        DatasetStats s = stats("real", batches.get(), count, keep);
        if (s.count() != count) {
            throw new IllegalStateException("real data delivered " + s.count() + " images, expected " + count);
        }
        if (cache != null) {
            cache.save(key, s);
        }
        return s;
    }

    /**
     * Statistics of the first {@code count} images of a loaded data set (cached by its content
     * hash, the network, its resolution and {@code count}).
     */
    public DatasetStats realStats(ImageSet set, int count, boolean keepFeatures) {
        int n = checkCount(set, count);
        String fingerprint = n == set.size() ? set.fingerprint() : set.fingerprint() + "[0:" + n + "]";
        return realStats(fingerprint, set.resolution(), n, () -> batchesOf(set, n, batchSize, manager), keepFeatures);
    }

    /** Statistics of the first {@code count} images of a set, never cached (e.g. the fakes). */
    public DatasetStats stats(String task, ImageSet set, int count, boolean keepFeatures) {
        int n = checkCount(set, count);
        return stats(task, batchesOf(set, n, batchSize, manager), n, keepFeatures || smallSet(n));
    }

    /**
     * Sets with fewer images than feature dimensions keep their features: FID then comes from
     * the small (N1, N2) cross-product ({@link FrechetDistance#betweenSamples}), which is exact
     * and fast, instead of D×D matrix functions.
     */
    private boolean smallSet(long count) {
        return count < network.dimension();
    }

    private static int checkCount(ImageSet set, int count) {
        if (count <= 0 || count >= set.size()) {
            return set.size();
        }
        return count;
    }

    /**
     * The first {@code count} images of {@code set} as (B, 3, R, R) uint8 batches on
     * {@code manager}'s device; each array is made when {@code next()} is called.
     */
    public static Iterator<NDArray> batchesOf(ImageSet set, int count, int batch, NDManager manager) {
        int per = set.imageBytes();
        int r = set.resolution();
        return new Iterator<>() {
            private int done;

            @Override
            public boolean hasNext() {
                return done < count;
            }

            @Override
            public NDArray next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batch, count - done);
                ByteBuffer buf = ByteBuffer.allocateDirect(n * per);
                buf.put(set.pixels(), done * per, n * per).flip();
                done += n;
                return manager.create(buf, new Shape(n, 3, r, r), DataType.UINT8);
            }
        };
    }

    /**
     * Embeds every batch and summarises the features.
     *
     * <p>{@code batches.next()} is called inside a per-batch {@link NDScope}, so arrays it
     * creates are closed after use.
     *
     * @param task label for the progress display
     * @param batches (B, 3, H, W) image batches, uint8 or float in [-1, 1]
     * @param expected number of images, for the progress display
     * @param keepFeatures whether to keep per-image features on the host (for KID)
     */
    public DatasetStats stats(String task, Iterator<NDArray> batches, long expected, boolean keepFeatures) {
        int d = network.dimension();
        float[] kept = keepFeatures ? new float[(int) Math.min((long) Integer.MAX_VALUE - 8, Math.max(expected, 1) * d)] : null;
        long rows = 0;
        boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (FeatureStats.Accumulator acc = new FeatureStats.Accumulator(manager);
             Progress bar = progress.start("embedding " + task, expected)) {
            while (batches.hasNext()) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray images = batches.next();
                    NDArray feats = network.embed(images);
                    long n = feats.getShape().get(0);
                    acc.add(feats);
                    if (keepFeatures) {
                        float[] host = feats.toType(DataType.FLOAT32, false).toFloatArray();
                        long need = (rows + n) * d;
                        if (need > kept.length) {
                            if (need > Integer.MAX_VALUE - 8) {
                                throw new IllegalArgumentException("too many images to keep features for KID: " + (rows + n));
                            }
                            kept = Arrays.copyOf(kept, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(need, 2L * kept.length)));
                        }
                        System.arraycopy(host, 0, kept, (int) (rows * d), host.length);
                    }
                    rows += n;
                    bar.advance(n);
                }
            }
            if (rows < 2) {
                throw new IllegalArgumentException("FID needs at least 2 " + task + " images, got " + rows);
            }
            FeatureStats g = acc.finish();
            float[] features = keepFeatures ? Arrays.copyOf(kept, (int) (rows * d)) : null;
            return new DatasetStats(g, features, d, false);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
        }
    }

    /**
     * Statistics of {@code num} images drawn from a generator, {@link #batchSize()} at a time.
     *
     * @param generator given n, returns (n, 3, H, W) images in [-1, 1] (it is called inside a
     *     scope that closes its result)
     */
    public DatasetStats generatedStats(IntFunction<NDArray> generator, int num, boolean keepFeatures) {
        return stats("fake", batchesOf(generator, num, batchSize), num, keepFeatures || smallSet(num));
    }

    /** An iterator that asks {@code generator} for {@code num} images in chunks of {@code batch}. */
    public static Iterator<NDArray> batchesOf(IntFunction<NDArray> generator, int num, int batch) {
        return new Iterator<>() {
            private int done;

            @Override
            public boolean hasNext() {
                return done < num;
            }

            @Override
            public NDArray next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batch, num - done);
                done += n;
                NDArray out = Tensors.noGrad(() -> generator.apply(n));
                if (out.getShape().get(0) != n) {
                    throw new IllegalStateException("generator returned " + out.getShape() + " for a batch of " + n);
                }
                return out;
            }
        };
    }

    /** FID (and KID when requested) of fakes from a generator against real statistics. */
    public Result evaluate(DatasetStats real, IntFunction<NDArray> generator, int num, boolean kid) {
        long t0 = System.nanoTime();
        DatasetStats fake = generatedStats(generator, num, kid);
        return evaluate(real, fake, kid, t0);
    }

    /** FID (and KID when requested, which needs features in both) between two summaries. */
    public Result evaluate(DatasetStats real, DatasetStats fake, boolean kid) {
        return evaluate(real, fake, kid, System.nanoTime());
    }

    private Result evaluate(DatasetStats real, DatasetStats fake, boolean kid, long t0) {
        double fid = real.hasFeatures() && fake.hasFeatures() && smallSet(real.count()) && smallSet(fake.count())
                ? FrechetDistance.betweenSamples(real.features(), (int) real.count(), fake.features(), (int) fake.count(),
                        real.dimension())
                : FrechetDistance.between(real.gaussian(), fake.gaussian());
        // a squared distance: a negative value is rounding (identical sets), not information
        fid = Math.max(0, fid);
        KernelDistance.Result k = null;
        if (kid) {
            if (!real.hasFeatures() || !fake.hasFeatures()) {
                throw new IllegalArgumentException("KID needs per-image features of both sets (keepFeatures=true)");
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray r = m.create(real.features(), new Shape(real.count(), real.dimension()));
                NDArray f = m.create(fake.features(), new Shape(fake.count(), fake.dimension()));
                k = KernelDistance.compute(r, f, KernelDistance.DEFAULT_SUBSETS, KernelDistance.DEFAULT_SUBSET_SIZE, KID_SEED);
            }
        }
        return new Result(fid, k, real.count(), fake.count(), real.fromCache(), network.describe(), networkId(),
                network.standard(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * One evaluation.
     *
     * @param fid squared Fréchet distance of the pool3 Gaussians
     * @param kid KID mean ± std, or null when not requested
     * @param realCount real images summarised
     * @param fakeCount fake images summarised
     * @param realFromCache whether the real statistics came from the cache
     * @param network human description of the network (variant + weights hash)
     * @param networkId full network identity
     * @param standard whether the network is the standard FID Inception
     * @param seconds time taken (fake embedding + distances)
     */
    public record Result(double fid, KernelDistance.Result kid, long realCount, long fakeCount, boolean realFromCache,
                         String network, String networkId, boolean standard, double seconds) {

        /** Warning printed beside FIDs from any network other than the standard FID Inception. */
        public static final String NOT_STANDARD_WARNING =
                "warning: not the standard FID Inception network: values are not comparable to published FIDs";

        /** The lines the CLI prints. */
        public String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "FID %.4f  (real: %d images%s, fake: %d images)%n", fid, realCount,
                    realFromCache ? ", statistics from cache" : "", fakeCount));
            if (kid != null) {
                sb.append(String.format(Locale.ROOT, "KID %.6f ± %.6f  (%d subsets of %d)%n", kid.mean(), kid.std(),
                        kid.subsets(), kid.subsetSize()));
            }
            sb.append("network: ").append(network).append(System.lineSeparator());
            if (!standard) {
                sb.append(NOT_STANDARD_WARNING).append(System.lineSeparator());
            }
            return sb.toString();
        }

        /**
         * The result as JSON fields: those of a {@code metric} event in a run's {@code metrics.jsonl}
         * (with {@code event}, {@code kimg}, {@code step}) and of the {@code --json} file of
         * {@code gan fid} and {@code metrics fid}.
         */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fid", fid);
            if (kid != null) {
                m.put("kid_mean", kid.mean());
                m.put("kid_std", kid.std());
                m.put("kid_subsets", kid.subsets());
                m.put("kid_subset_size", kid.subsetSize());
            }
            m.put("num_real", realCount);
            m.put("num_fake", fakeCount);
            m.put("network", networkId);
            m.put("standard_fid_network", standard);
            m.put("seconds", seconds);
            return m;
        }
    }

    /**
     * The network's identity with the precision its features are computed in: features computed
     * in bf16 differ from fp32 ones, so the cache never mixes the two and a FID's JSON says which
     * it was ("activations" since Inception keeps bf16 between layers; older entries cast per layer).
     */
    private String networkId() {
        return network.id() + (org.fewgen.nn.Autocast.lowers() ? "+bf16-activations" : "");
    }

    @Override
    public void close() {
        manager.close();
        if (ownedNetwork != null) {
            try {
                ownedNetwork.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
