package org.fewgen.train;

import org.fewgen.util.SettingException;

/**
 * Adam's settings for both networks and the EMA generator's averaging: the optimiser part of a
 * {@link TrainConfig}.
 *
 * @param lr Adam learning rate of both networks
 * @param beta1 Adam first-moment decay, in [0, 1)
 * @param beta2 Adam second-moment decay, in [0, 1)
 * @param eps Adam denominator guard
 * @param emaKimg half-life of the EMA generator in kimg (the reference's {@code batch·10/32}:
 *     {@link #referenceEmaKimg(int)})
 * @param emaRampup the half-life is at most {@code nimg·emaRampup} images early in training (the
 *     reference's 0.05), so the average follows G closely at first; 0 switches the ramp-up off
 */
public record OptimizerConfig(double lr, double beta1, double beta2, double eps, double emaKimg, double emaRampup) {

    /** Adam's learning rate of the reference. */
    public static final double DEFAULT_LR = 2e-4;
    public static final double DEFAULT_BETA1 = 0;
    public static final double DEFAULT_BETA2 = 0.99;
    public static final double DEFAULT_EPS = 1e-8;
    public static final double DEFAULT_EMA_RAMPUP = 0.05;

    public OptimizerConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new SettingException("lr", lr, "must be a positive number");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new SettingException("beta1", beta1, "must be at least 0 and below 1");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new SettingException("beta2", beta2, "must be at least 0 and below 1");
        }
        if (!(eps > 0)) {
            throw new SettingException("eps", eps, "must be positive");
        }
        if (!(emaKimg > 0)) {
            throw new SettingException("emaKimg", emaKimg, "must be a positive number of kimg (the EMA half-life)");
        }
        if (!(emaRampup >= 0)) {
            throw new SettingException("emaRampup", emaRampup, "must be 0 (off) or more");
        }
    }

    /** The reference's settings for {@code batch} images per step. */
    public static OptimizerConfig reference(int batch) {
        return new OptimizerConfig(DEFAULT_LR, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, referenceEmaKimg(batch),
                DEFAULT_EMA_RAMPUP);
    }

    /** The reference EMA half-life for a batch size: {@code batch·10/32} kimg. */
    public static double referenceEmaKimg(int batch) {
        return batch * 10.0 / 32.0;
    }

    /**
     * Per-step EMA decay after {@code nimg} images at {@code batch} images per step, as the reference
     * computes it: {@code 0.5^(batch / min(emaKimg·1000, nimg·emaRampup))}.
     */
    public double emaBeta(int batch, long nimg) {
        double emaImages = emaKimg * 1000.0;
        if (emaRampup > 0) {
            emaImages = Math.min(emaImages, nimg * emaRampup);
        }
        return Math.pow(0.5, batch / Math.max(emaImages, 1e-8));
    }
}
