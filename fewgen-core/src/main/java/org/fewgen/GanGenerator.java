package org.fewgen;

import org.fewgen.train.FastGanNetworks;
import org.fewgen.train.ImageGrid;
import org.fewgen.train.Sampler;
import org.fewgen.train.TrainConfig;
import org.fewgen.util.Devices;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained generator, ready to make images: the EMA generator of a run folder's newest snapshot,
 * of one snapshot file, or of a file written by {@code fewgen gan export}. Everything it needs
 * (resolution, width, convolution kind) comes from the file; the image of a seed is the same on
 * every machine and equals what {@code fewgen gan generate --seeds} writes.
 *
 * <pre>{@code
 * try (GanGenerator g = GanGenerator.load(Path.of("runs/00000-fastgan-dsc-shapes-64"))) {
 *     List<BufferedImage> images = g.generate(0, 1, 2, 3);
 * }
 * }</pre>
 *
 * Holds native memory until {@link #close()}.
 */
public final class GanGenerator implements AutoCloseable {

    private final Sampler sampler;

    private GanGenerator(Sampler sampler) {
        this.sampler = sampler;
    }

    /** Loads on the GPU when DJL sees one, on the CPU otherwise. */
    public static GanGenerator load(Path runDirOrFile) {
        return load(runDirOrFile, "auto");
    }

    /**
     * @param runDirOrFile a run folder (its newest complete snapshot), a snapshot or an exported generator
     * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @throws IllegalArgumentException naming the path when it holds no usable generator, or the device
     * @throws UncheckedIOException when the file cannot be read
     */
    public static GanGenerator load(Path runDirOrFile, String device) {
        try {
            Path file = Sampler.resolve(runDirOrFile, message -> { });
            return new GanGenerator(new Sampler(file, new FastGanNetworks(), Devices.choose(device)));
        } catch (IOException e) {
            throw new UncheckedIOException(runDirOrFile + ": " + e.getMessage(), e);
        }
    }

    /** One image per seed, {@link #resolution()} pixels square. */
    public List<BufferedImage> generate(long... seeds) {
        int z = sampler.config().generator().zDim();
        float[] latents = new float[seeds.length * z];
        for (int i = 0; i < seeds.length; i++) {
            System.arraycopy(sampler.latent(seeds[i]), 0, latents, i * z, z);
        }
        return images(latents, seeds.length);
    }

    /**
     * {@code steps} images walking from seed A's image to seed B's along the sphere the generator
     * normalises its latents to (spherical interpolation); the first and last are A's and B's.
     */
    public List<BufferedImage> interpolate(long seedA, long seedB, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("interpolation steps must be at least 2, not " + steps);
        }
        float[] a = sampler.latent(seedA);
        float[] b = sampler.latent(seedB);
        int z = a.length;
        float[] latents = new float[steps * z];
        for (int i = 0; i < steps; i++) {
            System.arraycopy(Sampler.interpolate(a, b, i / (double) (steps - 1), true), 0, latents, i * z, z);
        }
        return images(latents, steps);
    }

    private List<BufferedImage> images(float[] latents, int n) {
        float[] pixels = sampler.generate(latents);
        int r = resolution();
        List<BufferedImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ImageGrid.image(pixels, i, r));
        }
        return out;
    }

    /** Side of the generated images in pixels. */
    public int resolution() {
        return sampler.config().generator().resolution();
    }

    /** The training configuration the generator was made with. */
    public TrainConfig config() {
        return sampler.config();
    }

    /** The file the weights came from. */
    public Path source() {
        return sampler.snapshot();
    }

    @Override
    public void close() {
        sampler.close();
    }
}
