package org.fewgen.metrics;

/**
 * What FID and KID need from one image set: its feature Gaussian and, for KID, the features
 * themselves (row-major (N, D) floats, on the host), plus whether it came from the cache.
 *
 * @param gaussian mean and covariance of the features
 * @param features (N, D) row-major, or null when KID was not requested
 * @param dimension D
 * @param fromCache whether these statistics were read from the statistics cache
 */
public record DatasetStats(FeatureStats gaussian, float[] features, int dimension, boolean fromCache) {

    /** Number of images summarised. */
    public long count() {
        return gaussian.count();
    }

    /** Whether per-image features are kept (needed for KID). */
    public boolean hasFeatures() {
        return features != null;
    }
}
