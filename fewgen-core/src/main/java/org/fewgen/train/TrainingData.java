package org.fewgen.train;

/**
 * The real images a run trains on, as the trainer needs them: deterministic batches per step
 * (so that a resumed run sees the same batches as an uninterrupted one) and a few images for the
 * {@code reals.png} grid.
 */
public interface TrainingData extends AutoCloseable {

    /** Image side in pixels. */
    int resolution();

    /** Number of distinct images (before mirroring). */
    int size();

    /**
     * The batch of step {@code step}: {@code (batch, 3, R, R)} planar floats in [-1, 1], a pure
     * function of the step (and the seed the data was opened with).
     */
    float[] batch(long step);

    /** The first {@code n} images (fewer when the set is smaller), {@code (n, 3, R, R)} in [-1, 1]. */
    float[] firstImages(int n);

    /** A content fingerprint of the data set, recorded in {@code config.json}. */
    String fingerprint();

    @Override
    default void close() {
    }

    /**
     * Uniform noise images in [-1, 1], a pure function of (seed, step): for benchmarks, which
     * time the step without any data pipeline.
     */
    static TrainingData random(int resolution, int batch, long seed) {
        return new TrainingData() {
            @Override
            public int resolution() {
                return resolution;
            }

            @Override
            public int size() {
                return batch;
            }

            @Override
            public float[] batch(long step) {
                return noise(seed * 31 + step, batch);
            }

            @Override
            public float[] firstImages(int n) {
                return noise(seed * 31 - 1, Math.min(n, batch));
            }

            private float[] noise(long s, int n) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(s);
                float[] px = new float[n * 3 * resolution * resolution];
                for (int i = 0; i < px.length; i++) {
                    px[i] = (float) (r.nextDouble() * 2 - 1);
                }
                return px;
            }

            @Override
            public String fingerprint() {
                return "random-" + seed;
            }
        };
    }
}
