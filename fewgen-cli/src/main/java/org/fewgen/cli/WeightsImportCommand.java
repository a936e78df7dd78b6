package org.fewgen.cli;

import org.fewgen.backbone.NsfwjsImport;
import org.fewgen.io.NpmPackage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen weights import nsfwjs}: the feature networks' weights from the npm package nsfwjs. */
// --version is the package version here, so picocli's standard -V/--version is left out
@Command(name = "import", sortOptions = false,
        description = {"Convert the MobileNetV2 and InceptionV3 of the npm package nsfwjs to safetensors.",
                "Downloads nsfwjs@VERSION from the npm registry once (kept in $FEWGEN_CACHE",
                "or ~/.cache/fewgen, refused unless its SHA-256 is the pinned one) and writes",
                "mobilenetv2_100.nsfwjs.safetensors and inception_v3.nsfwjs.safetensors",
                "into --out: the files FEWGEN_WEIGHTS names a folder of. Uses no device."})
public final class WeightsImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package to import: nsfwjs.")
    String source;

    @Option(names = "--version", paramLabel = "VERSION", defaultValue = NsfwjsImport.VERSION,
            description = "The package version (default: ${DEFAULT-VALUE}, the one whose checksum fewgen knows).")
    String version;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write the files into.")
    Path out;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!"nsfwjs".equals(source)) {
            throw new IllegalArgumentException("PACKAGE " + source + ": fewgen imports weights from nsfwjs only");
        }
        OutputFolders.require("--out", out);
        Files.createDirectories(out);
        for (Path f : NsfwjsImport.importAll(version, NpmPackage.defaultCacheRoot(), out, System.err::println)) {
            String sha = NpmPackage.sha256(f);
            boolean known = NsfwjsImport.Model.MOBILENET_V2.sha256().equals(sha)
                    || NsfwjsImport.Model.INCEPTION_V3.sha256().equals(sha);
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %.1f MB, sha256 %s (%s)%n", f,
                    Files.size(f) / 1e6, sha, known ? "the published file" : "differs from the published file");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
