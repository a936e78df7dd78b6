package org.fewgen.cli;

import org.fewgen.train.Sampler;
import org.fewgen.train.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen gan export}: the EMA generator alone, for sampling elsewhere. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a run's EMA generator alone to a small safetensors file.",
                "From the run's newest complete snapshot, or from one snapshot, with the run's config in its header:",
                "`gan generate --checkpoint FILE` and the library's GanGenerator.load(FILE) read it; it cannot be",
                "resumed. Copies tensors, computes nothing."})
public final class GanExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR|FILE", description = "A run folder or a snapshot-*.safetensors file.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (.safetensors).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path snapshot = Sampler.resolve(checkpoint, m -> System.err.println("warning: " + m));
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + ": is a folder, not a file");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            OutputFolders.require("--out", parent);
            Files.createDirectories(parent);
        }
        int tensors = Snapshot.exportGenerator(snapshot, out);
        System.out.printf(Locale.ROOT, "wrote %s: EMA generator of %s, %d tensors, %.1f MB (snapshot %.1f MB)%n", out,
                snapshot.getFileName(), tensors, Files.size(out) / 1e6, Files.size(snapshot) / 1e6);
        return 0;
    }
}
