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
}
