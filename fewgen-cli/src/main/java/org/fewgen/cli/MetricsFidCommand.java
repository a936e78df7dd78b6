package org.fewgen.cli;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.io.AtomicFiles;
import org.fewgen.metrics.DatasetStats;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
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
        PrintStream err = System.err;
        InceptionWeights.Info info = fid.inception();
        Transform t = Transform.parse(transform);
        ImageSet realSet = ImageSources.load(real, resolution, t);
        ImageSet fakeSet = ImageSources.load(fake, resolution, t);
        int realN = num == 0 ? realSet.size() : Math.min(num, realSet.size());
        int fakeN = num == 0 ? fakeSet.size() : Math.min(num, fakeSet.size());
        if (realN < 2 || fakeN < 2) {
            throw new IllegalArgumentException("FID needs at least 2 images per set: --real " + real + " has " + realSet.size()
                    + ", --fake " + fake + " has " + fakeSet.size());
        }
        Device d = fid.chooseDevice();
        err.printf("real: %s, using %d%nfake: %s, using %d%nnetwork: %s on %s%n", realSet, realN, fakeSet, fakeN,
                info.describe(), d);
        org.fewgen.nn.Precision precision = fid.resolvePrecision(d, err);
        try (org.fewgen.nn.Autocast.Scope cast = org.fewgen.nn.Autocast.enter(precision);
             FidEvaluator eval = fid.openEvaluator(info, d, err)) {
            DatasetStats r = eval.realStats(realSet, realN, fid.kid);
            DatasetStats f = eval.stats("fake", fakeSet, fakeN, fid.kid);
            FidEvaluator.Result result = eval.evaluate(r, f, fid.kid);
            out.print(result.report());
            out.flush();
            if (fid.json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("real", real);
                j.put("fake", fake);
                j.put("real_fingerprint", realSet.fingerprint());
                j.put("fake_fingerprint", fakeSet.fingerprint());
                j.put("resolution", resolution);
                j.put("weights_file", info.file().toString());
                j.putAll(result.toJson());
                AtomicFiles.writeString(fid.json, new GsonBuilder().setPrettyPrinting().create().toJson(j) + "\n");
            }
        }
        return 0;
    }
}
