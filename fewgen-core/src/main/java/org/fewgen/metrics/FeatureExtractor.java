package org.fewgen.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * A frozen network that maps images to feature vectors for FID/KID.
 *
 * <p>Implementations: {@link InceptionFeatures} (the real thing) and small test doubles.
 */
public interface FeatureExtractor {

    /**
     * @param images (N, 3, H, W), uint8 in [0, 255] or float in [-1, 1], any device
     * @return (N, D) float features on {@link #device()}, in the manager of the input's copy there
     *     (callers run this inside an {@link ai.djl.ndarray.NDScope})
     */
    NDArray embed(NDArray images);

    /** Feature dimension D (2048 for Inception pool3). */
    int dimension();

    /** Where the network runs. */
    Device device();

    /**
     * Stable identity of the network for caches: the same id means the same features for the
     * same pixels (e.g. {@code inception_v3/fid/sha256:<64 hex>}).
     */
    String id();

    /** One line for humans: variant and weights hash, printed with every FID. */
    String describe();

    /** Whether values are comparable with published FIDs (the standard FID Inception weights). */
    boolean standard();
}
