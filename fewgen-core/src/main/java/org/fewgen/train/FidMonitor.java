package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.fewgen.data.ImageSet;
import org.fewgen.metrics.DatasetStats;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.util.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * FID (and optionally KID) of the EMA generator against the training images, computed during
 * training every {@code --metric-every} kimg. The real statistics are computed once (and cached
 * on disk by content hash); the fakes come from fixed latents, so successive values differ only
 * because the generator changed.
 */
public final class FidMonitor implements TrainingRun.MetricHook, AutoCloseable {

    /** Seed of the fixed latents the fakes are drawn from. */
    static final long LATENT_SEED = 0x46494400L;

    /** What to compute: every {@code everyKimg} kimg, {@code num} fakes, KID too or not. */
    public record Settings(double everyKimg, int num, Path inceptionWeights, boolean kid, boolean bundledNetwork) {
        /** With an Inception v3 ({@code inceptionWeights}, or the one {@link InceptionWeights#resolve} finds). */
        public Settings(double everyKimg, int num, Path inceptionWeights, boolean kid) {
            this(everyKimg, num, inceptionWeights, kid, false);
        }

        public Settings {
            if (everyKimg <= 0) {
                throw new org.fewgen.util.SettingException("metricEvery", everyKimg, "must be > 0 kimg");
            }
            if (num < 2) {
                throw new org.fewgen.util.SettingException("metricNum", num, "must be >= 2");
            }
        }
    }

    private final FidEvaluator evaluator;
    private final ImageSet reals;
    private final Settings settings;
    private final NDManager manager;
    private DatasetStats realStats;

    public FidMonitor(Settings settings, ImageSet reals, Device device, int batch, PrintStream log) throws IOException {
        this.settings = settings;
        this.reals = reals;
        this.evaluator = settings.bundledNetwork()
                ? FidEvaluator.openBundled(device, batch, true, Progress.auto(log), log)
                : FidEvaluator.open(settings.inceptionWeights(), null, device, batch, true, Progress.auto(log), log);
        this.manager = NDManager.newBaseManager(device);
        log.println("FID every " + settings.everyKimg() + " kimg with " + settings.num() + " fakes against "
                + reals.size() + " training images");
    }

    @Override
    public JsonObject evaluate(GanTrainer trainer) {
        if (realStats == null) {
            realStats = evaluator.realStats(reals, reals.size(), settings.kid());
        }
        int zDim = trainer.config().generator().zDim();
        int r = trainer.config().generator().resolution();
        long[] offset = {0};
        FidEvaluator.Result result = evaluator.evaluate(realStats, n -> {
            float[] z = GanTrainer.latents(LATENT_SEED + offset[0], n, zDim);
            offset[0] += n;
            // the evaluator closes each batch in its own scope
            return manager.create(trainer.sampleEma(z), new Shape(n, 3, r, r));
        }, settings.num(), settings.kid());
        JsonObject out = new JsonObject();
        for (Map.Entry<String, Object> e : result.toJson().entrySet()) {
            JsonElement v = new com.google.gson.Gson().toJsonTree(e.getValue());
            out.add(e.getKey(), v);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
        evaluator.close();
    }
}
