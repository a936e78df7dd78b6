package org.fewgen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.fewgen.io.SafeTensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * On-disk cache of real-data feature statistics, so that a second FID against the same data
 * only embeds the fakes.
 *
 * <p>An entry is keyed by everything that changes the features: the data's content hash
 * ({@code ImageSet.fingerprint()}), the network identity (variant + weights sha256), the
 * resolution the images were loaded at, and the number of images used. It is one safetensors
 * file {@code <root>/stats/<key>.safetensors} holding {@code mean} (D) and {@code covariance}
 * (D, D) as float64 and, when KID was requested, {@code features} (N, D) float32; its metadata
 * repeats the key fields, which are checked on read. Files are written atomically; an
 * unreadable or mismatching file is reported in one line, ignored and rewritten.
 *
 * <p>The root is {@code $FEWGEN_CACHE} or {@code ~/.cache/fewgen}.
 */
public final class StatsCache {

    /** Environment variable overriding the cache root. */
    public static final String ENV_ROOT = "FEWGEN_CACHE";
    private static final String FORMAT = "fewgen-feature-stats-1";

    /** The fields that identify one entry. */
    public record Key(String dataFingerprint, String networkId, int resolution, long count) {
        String hash() {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                String s = FORMAT + "\n" + dataFingerprint + "\n" + networkId + "\n" + resolution + "\n" + count;
                return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("data_fingerprint", dataFingerprint);
            m.put("network", networkId);
            m.put("resolution", Integer.toString(resolution));
            m.put("count", Long.toString(count));
            return m;
        }
    }

    private final Path dir;
    private final PrintStream log;

    /**
     * @param root cache root; {@code stats/} is created below it on first write
     * @param log where a one-line notice about an ignored corrupt entry goes
     */
    public StatsCache(Path root, PrintStream log) {
        this.dir = root.resolve("stats");
        this.log = log;
    }

    /** The cache under {@code $FEWGEN_CACHE} or {@code ~/.cache/fewgen}. */
    public static StatsCache defaultCache(PrintStream log) {
        String env = System.getenv(ENV_ROOT);
        Path root = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "fewgen");
        return new StatsCache(root, log);
    }

    /** The file an entry lives in. */
    public Path file(Key key) {
        return dir.resolve(key.hash() + ".safetensors");
    }

    /**
     * Reads an entry.
     *
     * @param needFeatures whether the caller needs per-image features (KID, small sets); an
     *     entry without them then counts as a miss. Features stored in the entry are returned
     *     either way.
     * @return the statistics, or empty when absent, unusable (reported) or lacking features
     */
    public Optional<DatasetStats> load(Key key, boolean needFeatures) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            SafeTensors.Content c = SafeTensors.read(f, m);
            Map<String, String> meta = c.metadata();
            for (Map.Entry<String, String> e : key.metadata().entrySet()) {
                if (!e.getValue().equals(meta.get(e.getKey()))) {
                    throw new IOException("metadata '" + e.getKey() + "' is " + meta.get(e.getKey()) + ", expected " + e.getValue());
                }
            }
            NDArray mean = require(c, "mean", DataType.FLOAT64, 1);
            int d = (int) mean.size();
            NDArray cov = require(c, "covariance", DataType.FLOAT64, 2);
            if (!cov.getShape().equals(new Shape(d, d))) {
                throw new IOException("covariance has shape " + cov.getShape() + " for a mean of " + d);
            }
            NDArray feats = c.tensors().get("features");
            if (needFeatures && feats == null) {
                return Optional.empty();
            }
            float[] featureRows = null;
            if (feats != null) {
                if (feats.getDataType() != DataType.FLOAT32 || !feats.getShape().equals(new Shape(key.count(), d))) {
                    throw new IOException("features have " + feats.getDataType() + " " + feats.getShape()
                            + ", expected float32 (" + key.count() + ", " + d + ")");
                }
                featureRows = feats.toFloatArray();
            }
            double[] covData = cov.toDoubleArray();
            for (double v : covData) {
                if (!Double.isFinite(v)) {
                    throw new IOException("covariance holds non-finite values");
                }
            }
            FeatureStats g = new FeatureStats(mean.toDoubleArray(), DMatrixRMaj.wrap(d, d, covData), key.count());
            return Optional.of(new DatasetStats(g, featureRows, d, true));
        } catch (IOException | RuntimeException e) {
            log.println("fewgen: warning: ignoring unreadable statistics cache file " + f + " (" + e.getMessage()
                    + "); recomputing");
            return Optional.empty();
        }
    }

    private static NDArray require(SafeTensors.Content c, String name, DataType type, int dims) throws IOException {
        NDArray a = c.tensors().get(name);
        if (a == null) {
            throw new IOException("no '" + name + "' tensor");
        }
        if (a.getDataType() != type || a.getShape().dimension() != dims) {
            throw new IOException("'" + name + "' is " + a.getDataType() + " " + a.getShape());
        }
        return a;
    }

    /** Writes an entry atomically (a failure to write is reported, not fatal: the FID is still valid). */
    public void save(Key key, DatasetStats stats) {
        Path f = file(key);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            int d = stats.dimension();
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("mean", m.create(stats.gaussian().mean()));
            t.put("covariance", m.create(stats.gaussian().covariance().data, new Shape(d, d)));
            if (stats.hasFeatures()) {
                t.put("features", m.create(stats.features(), new Shape(stats.count(), d)));
            }
            SafeTensors.write(f, t, key.metadata());
        } catch (IOException | RuntimeException e) {
            log.println("fewgen: warning: could not write statistics cache file " + f + " (" + e.getMessage() + ")");
        }
    }
}
