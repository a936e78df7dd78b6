package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.fewgen.nn.Tensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The EMA generator of a snapshot, ready to sample: everything it needs (resolution, width,
 * convolution kind) comes from the snapshot's own metadata, so no shape flags are needed. The
 * latent of seed {@code s} is {@link GanTrainer#latents}{@code (s, 1, zDim)}: the same image for
 * the same seed on every machine.
 */
public final class Sampler implements AutoCloseable {

    private final NDManager manager;
    private final Net generator;
    private final TrainConfig config;
    private final Path snapshot;

    /**
     * @param snapshot a snapshot file
     * @param factory builds the generator the snapshot's config describes
     */
    public Sampler(Path snapshot, NetworkFactory factory, Device device) throws IOException {
        Map<String, String> meta = Snapshot.validateForSampling(snapshot);
        this.snapshot = snapshot;
        this.config = TrainConfig.fromJson(meta.get(Snapshot.META_CONFIG));
        this.manager = NDManager.newBaseManager(device);
        try {
            this.generator = factory.generator(manager, config);
            generator.module().setTrainable(false);
            generator.module().train(false);
            try (NDManager tmp = manager.newSubManager()) {
                generator.module().loadStateDict(Snapshot.readTensors(snapshot, Snapshot.PREFIX_G_EMA, tmp), true,
                        snapshot.getFileName().toString());
            }
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A snapshot or exported generator file as given, or the newest complete snapshot of a run folder.
     *
     * @throws IllegalArgumentException naming the path when there is none
     */
    public static Path resolve(Path runDirOrFile, Consumer<String> messages) throws IOException {
        if (Files.isDirectory(runDirOrFile)) {
            return Snapshot.latestComplete(runDirOrFile, messages).orElseThrow(() -> new IllegalArgumentException(
                    runDirOrFile + ": no complete snapshot-*.safetensors in this folder"));
        }
        if (!Files.isRegularFile(runDirOrFile)) {
            throw new IllegalArgumentException(runDirOrFile + ": no such file or run folder");
        }
        try {
            Snapshot.validateForSampling(runDirOrFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return runDirOrFile;
    }

    public TrainConfig config() {
        return config;
    }

    public Path snapshot() {
        return snapshot;
    }

    /** The latent of one seed, {@code (zDim)}. */
    public float[] latent(long seed) {
        return GanTrainer.latents(seed, 1, config.generator().zDim());
    }

    /**
     * Images for the given latents (in chunks of the training batch size, without gradients).
     *
     * @param latents {@code (n, zDim)} row-major
     * @return {@code (n, 3, R, R)} in [-1, 1]
     */
    public float[] generate(float[] latents) {
        int zDim = config.generator().zDim();
        int n = latents.length / zDim;
        int r = config.generator().resolution();
        int per = 3 * r * r;
        float[] out = new float[n * per];
        int chunk = Math.max(1, config.run().batch());
        for (int i = 0; i < n; i += chunk) {
            int m = Math.min(chunk, n - i);
            float[] z = new float[m * zDim];
            System.arraycopy(latents, i * zDim, z, 0, z.length);
            int from = i;
            try (NDScope scope = new NDScope(); NDManager sm = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray zs = sm.create(z, new Shape(m, zDim));
                float[] part = Tensors.noGrad(() -> generator.apply(zs).toFloatArray());
                System.arraycopy(part, 0, out, from * per, part.length);
            }
        }
        return out;
    }

    /**
     * A point between two latents.
     *
     * @param spherical slerp (along the great circle, as the generator normalises z to the sphere) or linear
     */
    public static float[] interpolate(float[] a, float[] b, double t, boolean spherical) {
        float[] out = new float[a.length];
        if (spherical) {
            double na = norm(a);
            double nb = norm(b);
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] / na * (b[i] / nb);
            }
            double omega = Math.acos(Math.max(-1, Math.min(1, dot)));
            if (omega > 1e-6) {
                double wa = Math.sin((1 - t) * omega) / Math.sin(omega);
                double wb = Math.sin(t * omega) / Math.sin(omega);
                for (int i = 0; i < a.length; i++) {
                    out[i] = (float) (wa * a[i] + wb * b[i]);
                }
                return out;
            }
        }
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) ((1 - t) * a[i] + t * b[i]);
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(Math.max(s, 1e-30));
    }

    /**
     * Parses a seed list: {@code 0-63}, {@code 1,5,9}, {@code 0-3,10}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static List<Long> parseSeeds(String spec) {
        List<Long> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    long lo = Long.parseLong(p.substring(0, dash).trim());
                    long hi = Long.parseLong(p.substring(dash + 1).trim());
                    if (hi < lo || hi - lo > 100_000) {
                        throw new org.fewgen.util.SettingException("seeds", spec, "bad range '" + p + "'");
                    }
                    for (long s = lo; s <= hi; s++) {
                        out.add(s);
                    }
                } else {
                    out.add(Long.parseLong(p));
                }
            } catch (NumberFormatException e) {
                throw new org.fewgen.util.SettingException("seeds", spec, "'" + p + "' is not a seed or a range like 0-63");
            }
        }
        if (out.isEmpty()) {
            throw new org.fewgen.util.SettingException("seeds", spec, "no seeds");
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
