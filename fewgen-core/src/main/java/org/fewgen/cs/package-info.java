/**
 * Statistical compressed sensing: Uncertainty Autoencoders (Grover &amp; Ermon, AISTATS 2019) that
 * learn the measurement map and the recovery network end to end, and the classic baselines
 * they are compared with (LASSO by FISTA in pixel and DCT bases, PCA with the Wiener decoder or
 * an MLP decoder, and CS-VAE of Bora et al. 2017).
 *
 * <p>Images are flattened rows of {@code n = side·side} pixels in [0, 1]; a batch is
 * {@code (N, n)}, measurements are {@code (N, m)}.
 */
package org.fewgen.cs;
