package org.fewgen.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.io.AtomicFiles;
import org.fewgen.metrics.DatasetStats;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.train.FastGanNetworks;
import org.fewgen.train.GanTrainer;
import org.fewgen.train.Sampler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fewgen gan fid}: FID/KID of a trained generator (EMA weights) against a dataset. */
@Command(name = "fid", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"FID (and KID) of a trained generator's EMA weights against real images.",
                "Real-set statistics are cached by content hash + network, so a second run only generates and "
                        + "embeds fakes."})
public final class GanFidCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR|FILE",
            description = "A run folder (its newest complete snapshot) or a snapshot file.")
    Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "SOURCE",
            description = "Real images: folder, zip, IDX file, mnist, openmoji:<category>, builtin:shapes, builtin:digits.")
    String data;

    @Option(names = "--num", defaultValue = "10000", paramLabel = "N",
            description = "Generated images (default: ${DEFAULT-VALUE}); all real images are used.")
    int num;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the generated latents (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    FidOptions fid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (num < 2) {
            throw new IllegalArgumentException("--num must be >= 2, got " + num);
        }
        fid.validate();
        PrintStream err = System.err;
        Device d = fid.chooseDevice();
        Path snapshot = OptionErrors.forOption("--checkpoint", () -> Sampler.resolve(checkpoint, err::println));
        InceptionWeights.Info info = fid.inception();
        org.fewgen.nn.Precision precision = fid.resolvePrecision(d, err);
        try (org.fewgen.nn.Autocast.Scope cast = org.fewgen.nn.Autocast.enter(precision);
             Sampler sampler = new Sampler(snapshot, new FastGanNetworks(), d);
             FidEvaluator eval = fid.openEvaluator(info, d, err);
             NDManager manager = NDManager.newBaseManager(d)) {
            int r = sampler.config().generator().resolution();
            int zDim = sampler.config().generator().zDim();
            ImageSet reals = ImageSources.load(data, r, Transform.CENTER_CROP);
            err.printf("generator: %s (%d²)%nreal: %s%nnetwork: %s on %s%n", snapshot, r, reals, info.describe(), d);
            DatasetStats real = eval.realStats(reals, reals.size(), fid.kid);
            long[] next = {0};
            FidEvaluator.Result result = eval.evaluate(real, n -> {
                float[] z = new float[n * zDim];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(GanTrainer.latents(seed * 1_000_003L + next[0] + i, 1, zDim), 0, z, i * zDim, zDim);
                }
                next[0] += n;
                return manager.create(sampler.generate(z), new Shape(n, 3, r, r));
            }, num, fid.kid);
            java.io.PrintWriter out = spec.commandLine().getOut();
            out.print(result.report());
            out.flush();
            if (fid.json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("checkpoint", snapshot.toString());
                j.put("data", data);
                j.put("real_fingerprint", reals.fingerprint());
                j.put("weights_file", info.file().toString());
                j.putAll(result.toJson());
                AtomicFiles.writeString(fid.json, new GsonBuilder().setPrettyPrinting().create().toJson(j) + "\n");
            }
        }
        return 0;
    }
}
