package org.fewgen.cli;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.io.AtomicFiles;
import org.fewgen.metrics.DatasetStats;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionFeatures;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.metrics.Progress;
import org.fewgen.metrics.StatsCache;
import org.fewgen.util.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
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

    @Option(names = "--real", required = true, paramLabel = "SOURCE",
            description = "Reference images: folder, .zip, IDX file, mnist[:N], openmoji:<category>, builtin:shapes[:N].")
    String real;

    @Option(names = "--fake", required = true, paramLabel = "SOURCE", description = "Images to evaluate (same kinds of source).")
    String fake;

    @Option(names = "--num", defaultValue = "0", paramLabel = "N",
            description = "Use the first N images of each set; 0 = all (default: ${DEFAULT-VALUE}).")
    int num;

    @Option(names = "--kid", description = "Also report KID (unbiased MMD, 100 subsets of up to 1000 images).")
    boolean kid;

    @Option(names = "--inception-weights", paramLabel = "FILE",
            description = "Inception v3 safetensors (torchvision/timm names). Default: $FEWGEN_INCEPTION_WEIGHTS, "
                    + "else $FEWGEN_WEIGHTS/inception_v3.nsfwjs.safetensors.")
    Path weights;

    @Option(names = "--inception-variant", paramLabel = "fid|imagenet|nsfwjs",
            description = "Network variant; detected from the file's classifier when not given.")
    String variant;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B",
            description = "Images per Inception forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--resolution", defaultValue = "256", paramLabel = "R",
            description = "Side length images are loaded at before the bilinear resize to 299 (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--transform", defaultValue = "center-crop",
            description = "How non-square images become square: center-crop or pad (default: ${DEFAULT-VALUE}).")
    String transform;

    @Option(names = "--no-cache", description = "Neither read nor write the statistics cache.")
    boolean noCache;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (num < 0) {
            throw new IllegalArgumentException("--num must be >= 0 (0 = all images), got " + num);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        PrintStream err = System.err;
        InceptionWeights.Kind forced = variant == null ? null : InceptionWeights.Kind.parse(variant, "--inception-variant");
        Path file = InceptionWeights.resolve(weights);
        InceptionWeights.Info info = InceptionWeights.inspect(file, forced);
        Transform t = Transform.parse(transform);
        ImageSet realSet = ImageSources.load(real, resolution, t);
        ImageSet fakeSet = ImageSources.load(fake, resolution, t);
        int realN = num == 0 ? realSet.size() : Math.min(num, realSet.size());
        int fakeN = num == 0 ? fakeSet.size() : Math.min(num, fakeSet.size());
        if (realN < 2 || fakeN < 2) {
            throw new IllegalArgumentException("FID needs at least 2 images per set: --real " + real + " has " + realSet.size()
                    + ", --fake " + fake + " has " + fakeSet.size());
        }
        Device d = Devices.choose(device);
        err.printf("real: %s, using %d%nfake: %s, using %d%nnetwork: %s on %s%n", realSet, realN, fakeSet, fakeN,
                info.describe(), d);
        StatsCache cache = noCache ? null : StatsCache.defaultCache(err);
        try (InceptionFeatures net = InceptionFeatures.open(info, d);
             FidEvaluator eval = new FidEvaluator(net, cache, batch, Progress.auto(err))) {
            DatasetStats r = eval.realStats(realSet, realN, kid);
            DatasetStats f = eval.stats("fake", fakeSet, fakeN, kid);
            FidEvaluator.Result result = eval.evaluate(r, f, kid);
            out.print(result.report());
            out.flush();
            if (json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("real", real);
                j.put("fake", fake);
                j.put("real_fingerprint", realSet.fingerprint());
                j.put("fake_fingerprint", fakeSet.fingerprint());
                j.put("resolution", resolution);
                j.put("weights_file", info.file().toString());
                j.putAll(result.toJson());
                AtomicFiles.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(j) + "\n");
            }
        }
        return 0;
    }
}
