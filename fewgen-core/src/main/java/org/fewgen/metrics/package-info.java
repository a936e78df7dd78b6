/**
 * Image quality metrics: Fréchet Inception Distance (FID) and Kernel Inception Distance (KID).
 *
 * <p>Pipeline: images, (N, 3, H, W) uint8 or float in [-1, 1], go through a {@link
 * org.fewgen.metrics.FeatureExtractor} (Inception v3 pool3, 2048 features per image), then
 * {@link org.fewgen.metrics.FeatureStats} (mean and covariance in double precision), then
 * {@link org.fewgen.metrics.FrechetDistance} or {@link org.fewgen.metrics.KernelDistance}.
 * {@link org.fewgen.metrics.FidEvaluator} ties this together with the on-disk {@link
 * org.fewgen.metrics.StatsCache} for the trainer and the CLI.
 */
package org.fewgen.metrics;
