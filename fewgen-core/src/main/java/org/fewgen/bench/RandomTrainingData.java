package org.fewgen.bench;

import org.fewgen.train.TrainingData;

import java.util.SplittableRandom;

/**
 * Uniform random "images" in [−1, 1] for speed measurements. A few batches are drawn up front
 * and served in turn, so the benchmark's data phase measures what a training step pays for its
 * batch (the host-to-device copy) and not the drawing of random numbers, which the real data
 * loader does off the training thread.
 */
public final class RandomTrainingData implements TrainingData {

    private static final int DISTINCT_BATCHES = 2;

    private final int resolution;
    private final float[][] batches;

    /**
     * @param resolution image side R
     * @param batch images per batch; each batch is {@code (batch, 3, R, R)}
     * @param seed seed of the values
     */
    public RandomTrainingData(int resolution, int batch, long seed) {
        this.resolution = resolution;
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = Math.multiplyExact(Math.multiplyExact(batch, 3), resolution * resolution);
        batches = new float[DISTINCT_BATCHES][n];
        for (float[] b : batches) {
            for (int i = 0; i < n; i++) {
                b[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
    }

    @Override
    public int resolution() {
        return resolution;
    }

    @Override
    public int size() {
        return batches.length * batches[0].length / (3 * resolution * resolution);
    }

    @Override
    public float[] batch(long step) {
        return batches[(int) Math.floorMod(step, (long) batches.length)];
    }

    @Override
    public float[] firstImages(int n) {
        int values = Math.min(n * 3 * resolution * resolution, batches[0].length);
        float[] out = new float[values];
        System.arraycopy(batches[0], 0, out, 0, values);
        return out;
    }

    @Override
    public String fingerprint() {
        return "random";
    }
}
