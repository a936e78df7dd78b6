package org.fewgen.cli;

import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.PreparedZip;
import org.fewgen.data.Transform;
import org.fewgen.util.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen data prepare}: decode a source once into a zip of R×R PNGs (or a tensor file). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Decode, square and resize a dataset once, for fast repeated training.",
                "Writes a zip of RxR PNGs plus dataset.json, or (--out *.safetensors) a uint8 tensor file.",
                "SRC: a folder of PNG/JPEG/BMP/GIF/SVG, a .zip, an IDX file,",
                "mnist[:N] or openmoji:<category>[/<sub>] (under $FEWGEN_DATA),",
                "or builtin:shapes[:N] / builtin:digits[:N] (drawn, no download)."})
public final class DataPrepareCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The data source.")
    String source;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output file: FILE.zip (PNGs + dataset.json) or FILE.safetensors.")
    Path out;

    @Option(names = "--res", required = true, paramLabel = "R", description = "Output resolution R (pixels, square).")
    int resolution;

    @Option(names = "--transform", paramLabel = "center-crop|pad", defaultValue = "center-crop",
            converter = TransformConverter.class,
            description = "How non-square images become square: center-crop, or pad with white (default: ${DEFAULT-VALUE}).")
    Transform transform;

    @Option(names = "--mirror", description = "Also write an x-flipped copy of every image (doubles the count).")
    boolean mirror;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use only the first N images of the source (default: all).")
    int limit;

    @Option(names = "--no-cache", description = "Do not read or write the dataset cache ($FEWGEN_CACHE/datasets or ~/.cache/fewgen/datasets).")
    boolean noCache;

    /** Parses {@code center-crop|pad} for picocli. */
    static final class TransformConverter implements CommandLine.ITypeConverter<Transform> {
        @Override
        public Transform convert(String value) {
            try {
                return Transform.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        if (resolution < 4 || resolution > 4096) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--res must be in 4..4096, got " + resolution);
        }
        if (limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
        }
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean tensorFile = name.endsWith(".safetensors");
        if (!tensorFile && !name.endsWith(".zip")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--out " + out + ": expected a .zip or .safetensors file name");
        }
        if (Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " is a folder");
        }
        long start = System.nanoTime();
        ImageSet set;
        ImageSources.LoadConfig config = new ImageSources.LoadConfig(noCache ? null : ImageSources.defaultCacheDir(),
                limit, Progress.auto(System.err));
        set = ImageSources.load(source, resolution, transform, config);
        int originals = set.size();
        if (mirror) {
            set = set.withMirrors();
        }
        if (tensorFile) {
            ImageSources.writeTensorFile(out, set, transform);
        } else {
            PreparedZip.write(out, set, transform, mirror ? originals : 0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %s: %d images of %dx%d from %s (%s%s), %d files skipped, %.1f MB, %.1f s%n",
                out, set.size(), resolution, resolution, source, transform.cliName(),
                mirror ? ", " + originals + " + " + originals + " mirrored" : "", set.skipped().size(),
                Files.size(out) / 1e6, seconds);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
