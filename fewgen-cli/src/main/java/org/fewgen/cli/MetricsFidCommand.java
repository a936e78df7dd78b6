package org.fewgen.cli;

import com.google.gson.GsonBuilder;
import org.fewgen.Fid;
import org.fewgen.data.Transform;
import org.fewgen.io.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fewgen metrics fid}: FID (and KID) between two image sources. */
@Command(name = "fid", mixinStandardHelpOptions = true,
        description = {"Frechet Inception Distance (and optionally KID) between two image sets.",
                "Real-set statistics are cached by content hash + network in ~/.cache/fewgen/stats ($FEWGEN_CACHE/stats)."})
public final class MetricsFidCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    FidOptions fid;

    @Option(names = "--real", required = true, paramLabel = "SOURCE",
            description = "Reference images: folder, .zip, IDX file, mnist[:N], openmoji:<category>, builtin:shapes[:N], builtin:digits[:N].")
    String real;

    @Option(names = "--fake", required = true, paramLabel = "SOURCE", description = "Images to evaluate (same kinds of source).")
    String fake;

    @Option(names = "--num", defaultValue = "0", paramLabel = "N",
            description = "Use the first N images of each set; 0 = all (default: ${DEFAULT-VALUE}).")
    int num;

    @Option(names = {"--res", "--resolution"}, defaultValue = "256", paramLabel = "R",
            description = "Side length images are loaded at before the bilinear resize to 299 (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--transform", defaultValue = "center-crop",
            description = "How non-square images become square: center-crop or pad (default: ${DEFAULT-VALUE}).")
    String transform;

    @Override
    public Integer call() throws Exception {
        if (num < 0) {
            throw new IllegalArgumentException("--num must be >= 0 (0 = all images), got " + num);
        }
        fid.validate();
        java.io.PrintWriter out = spec.commandLine().getOut();
        Fid.Result result = fid.builder().resolution(resolution).limit(num).transform(Transform.parse(transform))
                .log(System.err).build().compute(real, fake);
        out.print(result.details().report());
        out.flush();
        if (fid.json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("real", real);
            j.put("fake", fake);
            j.put("real_fingerprint", result.fingerprintA());
            j.put("fake_fingerprint", result.fingerprintB());
            j.put("resolution", resolution);
            j.put("weights_file", result.weightsFile().toString());
            j.putAll(result.details().toJson());
            AtomicFiles.writeString(fid.json, new GsonBuilder().setPrettyPrinting().create().toJson(j) + "\n");
        }
        return 0;
    }
}
