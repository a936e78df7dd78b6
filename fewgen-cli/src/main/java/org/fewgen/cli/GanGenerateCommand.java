package org.fewgen.cli;

import org.fewgen.train.AnimatedGif;
import org.fewgen.train.FastGanNetworks;
import org.fewgen.train.ImageGrid;
import org.fewgen.train.Sampler;
import org.fewgen.util.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen gan generate}: images from a trained EMA generator, one per seed, plus grids and a GIF. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate images with the EMA generator of a snapshot (shape options come from the snapshot).",
                "Writes seed<NNNN>.png per seed and grid.png; with --interpolate also interpolation.png/.gif."})
public final class GanGenerateCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR|FILE",
            description = "A run folder (its newest complete snapshot), a snapshot-*.safetensors file or a `gan export` file.")
    Path checkpoint;

    @Option(names = "--seeds", paramLabel = "LIST", defaultValue = "0-63",
            description = "Seeds, e.g. 0-63 or 1,5,9 or 0-3,10 (default: ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--grid", paramLabel = "COLSxROWS",
            description = "Grid layout of the first seeds, e.g. 8x8 (default: square-ish over all seeds).")
    String grid;

    @Option(names = "--interpolate", paramLabel = "K", defaultValue = "0",
            description = "Also write a latent interpolation grid and looping GIF with K steps between consecutive seeds.")
    int interpolate;

    @Option(names = "--interpolation", paramLabel = "slerp|linear", defaultValue = "slerp",
            description = "Interpolation path (default: ${DEFAULT-VALUE}; the generator normalises z to the sphere).")
    String interpolation;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @picocli.CommandLine.Mixin
    PrecisionOption precision = new PrecisionOption();

    @Override
    public Integer call() throws IOException {
        List<Long> seedList = Sampler.parseSeeds(seeds);
        int[] layout = layout(grid, seedList.size());
        boolean spherical = switch (interpolation.toLowerCase(Locale.ROOT)) {
            case "slerp" -> true;
            case "linear", "lerp" -> false;
            default -> throw new IllegalArgumentException("--interpolation must be slerp or linear, not '" + interpolation + "'");
        };
        if (interpolate < 0 || interpolate > 1000) {
            throw new IllegalArgumentException("--interpolate must be between 0 and 1000, not " + interpolate);
        }
        precision.requested(); // a bad value fails before any file is read
        OutputFolders.require("--out", out);
        Path file = OptionErrors.forOption("--checkpoint",
                () -> Sampler.resolve(checkpoint, m -> System.err.println("warning: " + m)));
        Files.createDirectories(out);
        ai.djl.Device d = Devices.choose(device.name());
        org.fewgen.nn.Precision p = precision.resolve(d, System.err);
        try (org.fewgen.nn.Autocast.Scope cast = org.fewgen.nn.Autocast.enter(p);
             Sampler sampler = new Sampler(file, new FastGanNetworks(), d)) {
            int r = sampler.config().generator().resolution();
            int zDim = sampler.config().generator().zDim();
            float[] z = new float[seedList.size() * zDim];
            for (int i = 0; i < seedList.size(); i++) {
                System.arraycopy(sampler.latent(seedList.get(i)), 0, z, i * zDim, zDim);
            }
            float[] images = sampler.generate(z);
            for (int i = 0; i < seedList.size(); i++) {
                ImageGrid.writePng(out.resolve(String.format(Locale.ROOT, "seed%04d.png", seedList.get(i))),
                        ImageGrid.image(images, i, r));
            }
            int shown = Math.min(seedList.size(), layout[0] * layout[1]);
            ImageGrid.writePng(out.resolve("grid.png"), ImageGrid.grid(images, shown, r, layout[0]));
            System.out.printf(Locale.ROOT, "%d images from %s (%d², %s generator) in %s, grid.png %dx%d%n",
                    seedList.size(), file, r, sampler.config().generator().conv().label(), out,
                    layout[0], layout[1]);
            if (interpolate > 0) {
                writeInterpolation(sampler, seedList, layout[1], spherical);
            }
        }
        return 0;
    }

    /**
     * interpolation.png: one row per consecutive seed pair (at most {@code maxRows}), K+1 columns
     * from the first seed to the second; interpolation.gif: all seeds in a loop, K frames each.
     */
    private void writeInterpolation(Sampler sampler, List<Long> seedList, int maxRows, boolean spherical)
            throws IOException {
        if (seedList.size() < 2) {
            throw new IllegalArgumentException("--interpolate needs at least two --seeds");
        }
        int zDim = sampler.config().generator().zDim();
        int r = sampler.config().generator().resolution();
        int k = interpolate;
        int rows = Math.min(seedList.size() - 1, maxRows);
        float[] z = new float[rows * (k + 1) * zDim];
        for (int row = 0; row < rows; row++) {
            float[] a = sampler.latent(seedList.get(row));
            float[] b = sampler.latent(seedList.get(row + 1));
            for (int c = 0; c <= k; c++) {
                float[] p = Sampler.interpolate(a, b, c / (double) k, spherical);
                System.arraycopy(p, 0, z, (row * (k + 1) + c) * zDim, zDim);
            }
        }
        ImageGrid.writePng(out.resolve("interpolation.png"),
                ImageGrid.grid(sampler.generate(z), rows * (k + 1), r, k + 1));

        int loop = Math.min(seedList.size(), 16);
        float[] frames = new float[loop * k * zDim];
        for (int s = 0; s < loop; s++) {
            float[] a = sampler.latent(seedList.get(s));
            float[] b = sampler.latent(seedList.get((s + 1) % loop));
            for (int c = 0; c < k; c++) {
                float[] p = Sampler.interpolate(a, b, c / (double) k, spherical);
                System.arraycopy(p, 0, frames, (s * k + c) * zDim, zDim);
            }
        }
        float[] px = sampler.generate(frames);
        List<BufferedImage> gif = new ArrayList<>();
        for (int i = 0; i < loop * k; i++) {
            gif.add(ImageGrid.image(px, i, r));
        }
        AnimatedGif.write(out.resolve("interpolation.gif"), gif, 80);
        System.out.printf(Locale.ROOT, "interpolation.png (%d rows x %d steps) and interpolation.gif (%d frames, loops)"
                + " in %s%n", rows, k + 1, loop * k, out);
    }

    /** Columns and rows of the grid. */
    static int[] layout(String spec, int count) {
        if (spec == null) {
            int cols = ImageGrid.columnsFor(count);
            return new int[] {cols, (count + cols - 1) / cols};
        }
        String[] parts = spec.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int cols = Integer.parseInt(parts[0].trim());
                int rows = Integer.parseInt(parts[1].trim());
                if (cols > 0 && rows > 0) {
                    // more cells than images would leave black cells and a grid of another shape than asked
                    if ((long) cols * rows > count) {
                        throw new IllegalArgumentException("--grid " + spec + " has " + (long) cols * rows
                                + " cells but --seeds gives only " + count + " images");
                    }
                    return new int[] {cols, rows};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--grid must look like 8x8 (columns x rows), not '" + spec + "'");
    }
}
