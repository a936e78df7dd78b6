package org.fewgen.cs;

import java.util.SplittableRandom;

/**
 * Per-image reconstruction error ‖x − x̂‖₂ with measurement noise drawn from a fixed seed, so
 * that every method and every rerun sees the same ε for the same test image.
 */
public final class Evaluation {

    /** The seed of the evaluation noise (validation uses {@code SEED + 1}). */
    public static final long SEED = 20190416L;

    /** Mean and standard error of the per-image ℓ2 errors. */
    public record Result(double l2Mean, double l2Stderr, double[] perImage) {

        public int count() {
            return perImage.length;
        }
    }

    private Evaluation() {
    }

    /** Standard-normal draws (count, m) from {@code seed}; row i depends only on (seed, i, m). */
    public static float[] noise(long seed, int count, int m) {
        float[] out = new float[count * m];
        for (int i = 0; i < count; i++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
            for (int j = 0; j < m; j++) {
                out[i * m + j] = (float) gaussian(r);
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** ‖x_i − x̂_i‖₂ for each image. */
    public static double[] l2PerImage(float[] x, float[] xHat, int count) {
        int n = x.length / count;
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            double s = 0;
            for (int j = i * n; j < (i + 1) * n; j++) {
                double d = x[j] - xHat[j];
                s += d * d;
            }
            out[i] = Math.sqrt(s);
        }
        return out;
    }

    public static Result summarise(double[] perImage) {
        double mean = 0;
        for (double v : perImage) {
            mean += v;
        }
        mean /= perImage.length;
        double var = 0;
        for (double v : perImage) {
            var += (v - mean) * (v - mean);
        }
        double stderr = perImage.length > 1 ? Math.sqrt(var / (perImage.length - 1) / perImage.length) : 0;
        return new Result(mean, stderr, perImage);
    }

    /**
     * Evaluates a method on images with the fixed-seed noise (or none).
     *
     * @param noiseless measure without noise ({@code --noiseless})
     */
    public static Result evaluate(Recovery method, float[] images, int count, long seed, boolean noiseless) {
        float[] eps = noiseless ? null : noise(seed, count, method.measurements());
        float[] xHat = method.reconstruct(images, count, eps);
        return summarise(l2PerImage(images, xHat, count));
    }
}
