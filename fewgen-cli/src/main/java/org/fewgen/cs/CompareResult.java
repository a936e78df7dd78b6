package org.fewgen.cs;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One method at one m in {@code fewgen cs compare}: a record of results.json and a row of
 * results.csv. The method's own findings ({@link Details}) are typed per kind of method.
 */
public record CompareResult(CompareMethod method, int measurements, float noise, Details details, Errors errors,
                            double seconds) {

    /** The results.json record; the key order is the file's. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("method", method.id());
        o.addProperty("measurements", measurements);
        o.addProperty("noise", noise);
        if (details != null) {
            details.addTo(o);
        }
        o.addProperty("l2_mean", errors.l2Mean());
        o.addProperty("l2_stderr", errors.l2Stderr());
        if (errors.l2MeanNoisy() != null) {
            o.addProperty("l2_mean_noisy", errors.l2MeanNoisy());
        }
        if (errors.l2MeanNoiseless() != null) {
            o.addProperty("l2_mean_noiseless", errors.l2MeanNoiseless());
        }
        o.addProperty("test_images", errors.testImages());
        o.addProperty("evaluated_noiseless", errors.evaluatedNoiseless());
        o.addProperty("seconds", seconds);
        return o;
    }

    static CompareResult fromJson(JsonObject o) {
        CompareMethod method = CompareMethod.parse(o.get("method").getAsString());
        Details details = o.has("best_epoch") ? Trained.from(o) : o.has("lambda") ? LassoFit.from(o)
                : o.has("restarts") ? CsVaeSearch.from(o) : null;
        Errors e = new Errors(o.get("l2_mean").getAsDouble(), o.get("l2_stderr").getAsDouble(),
                o.has("l2_mean_noisy") ? o.get("l2_mean_noisy").getAsDouble() : null,
                o.has("l2_mean_noiseless") ? o.get("l2_mean_noiseless").getAsDouble() : null,
                o.get("test_images").getAsInt(), o.get("evaluated_noiseless").getAsBoolean());
        return new CompareResult(method, o.get("measurements").getAsInt(), o.get("noise").getAsFloat(), details, e,
                o.get("seconds").getAsDouble());
    }

    /** The results.csv row (without the line end). */
    String csvRow() {
        String lambda = details instanceof LassoFit l ? Double.toString(l.lambda()) : "";
        String bestEpoch = details instanceof Trained t ? Integer.toString(t.bestEpoch()) : "";
        String rowNorm = details instanceof Trained t && t.meanRowNorm() != null ? t.meanRowNorm().toString() : "";
        return String.format(Locale.ROOT, "%s,%d,%.5f,%.5f,%s,%s,%d,%s,%s,%s", method.id(), measurements,
                errors.l2Mean(), errors.l2Stderr(), text(errors.l2MeanNoisy()), text(errors.l2MeanNoiseless()),
                errors.testImages(), lambda, bestEpoch, rowNorm);
    }

    static String text(Double v) {
        return v == null ? "" : v.toString();
    }

    /** What a method reports besides its errors; written into its results.json record. */
    public sealed interface Details permits Trained, LassoFit, CsVaeSearch {
        void addTo(JsonObject o);
    }

    /** A trained UAE (or PCA + MLP) run: its best epoch and folder. */
    public record Trained(int bestEpoch, double secondsPerEpoch, String run, int epochs, Float meanRowNorm)
            implements Details {
        @Override
        public void addTo(JsonObject o) {
            o.addProperty("best_epoch", bestEpoch);
            o.addProperty("seconds_per_epoch", secondsPerEpoch);
            o.addProperty("run", run);
            o.addProperty("epochs", epochs);
            if (meanRowNorm != null) {
                o.addProperty("mean_row_norm", meanRowNorm);
            }
        }

        static Trained from(JsonObject o) {
            return new Trained(o.get("best_epoch").getAsInt(), o.get("seconds_per_epoch").getAsDouble(),
                    o.get("run").getAsString(), o.get("epochs").getAsInt(),
                    o.has("mean_row_norm") ? o.get("mean_row_norm").getAsFloat() : null);
        }
    }

    /** One λ tried on the validation images. */
    public record LambdaTrial(double lambda, double validL2, int iterations) {
    }

    /** FISTA's iteration count on the test images, and whether it stopped at the cap. */
    public record Iterations(int iterations, boolean hitCap) {
    }

    /** LASSO: the λ chosen on validation images, and FISTA's iterations (null where not run). */
    public record LassoFit(double lambda, int lambdaValidImages, List<LambdaTrial> grid, int maxIterations,
                           Iterations noisy, Iterations noiseless) implements Details {
        @Override
        public void addTo(JsonObject o) {
            o.addProperty("lambda", lambda);
            o.addProperty("lambda_valid_images", lambdaValidImages);
            JsonArray g = new JsonArray();
            for (LambdaTrial t : grid) {
                JsonObject e = new JsonObject();
                e.addProperty("lambda", t.lambda());
                e.addProperty("valid_l2", t.validL2());
                e.addProperty("iterations", t.iterations());
                g.add(e);
            }
            o.add("lambda_grid", g);
            o.addProperty("max_iterations", maxIterations);
            if (noisy != null) {
                o.addProperty("iterations", noisy.iterations());
                o.addProperty("hit_iteration_cap", noisy.hitCap());
            }
            if (noiseless != null) {
                o.addProperty("iterations_noiseless", noiseless.iterations());
                o.addProperty("hit_iteration_cap_noiseless", noiseless.hitCap());
            }
        }

        static LassoFit from(JsonObject o) {
            List<LambdaTrial> grid = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("lambda_grid")) {
                JsonObject t = e.getAsJsonObject();
                grid.add(new LambdaTrial(t.get("lambda").getAsDouble(), t.get("valid_l2").getAsDouble(),
                        t.get("iterations").getAsInt()));
            }
            return new LassoFit(o.get("lambda").getAsDouble(), o.get("lambda_valid_images").getAsInt(), grid,
                    o.get("max_iterations").getAsInt(), iterations(o, ""), iterations(o, "_noiseless"));
        }

        private static Iterations iterations(JsonObject o, String suffix) {
            return o.has("iterations" + suffix) ? new Iterations(o.get("iterations" + suffix).getAsInt(),
                    o.get("hit_iteration_cap" + suffix).getAsBoolean()) : null;
        }
    }

    /** CS-VAE: the latent search and the prior's training. */
    public record CsVaeSearch(int restarts, int steps, int vaeEpochs) implements Details {
        @Override
        public void addTo(JsonObject o) {
            o.addProperty("restarts", restarts);
            o.addProperty("steps", steps);
            o.addProperty("vae_epochs", vaeEpochs);
        }

        static CsVaeSearch from(JsonObject o) {
            return new CsVaeSearch(o.get("restarts").getAsInt(), o.get("steps").getAsInt(), o.get("vae_epochs").getAsInt());
        }
    }

    /** Test errors: the reported ones ({@code l2Mean}), and each setting that was evaluated (null if not). */
    public record Errors(double l2Mean, double l2Stderr, Double l2MeanNoisy, Double l2MeanNoiseless, int testImages,
                         boolean evaluatedNoiseless) {
    }
}
