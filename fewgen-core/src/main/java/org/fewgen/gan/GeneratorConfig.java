package org.fewgen.gan;

/**
 * Shape of a {@link FastGanGenerator}, and the generator part of a training run's
 * {@link org.fewgen.train.TrainConfig}. Its checks are FastGAN's, so a configuration that cannot
 * be built is refused when the record is made, before anything is created on disk.
 *
 * @param resolution output side length, a power of two in 64 … 1024
 * @param ngf channel width (128 in the papers); block widths are fixed multiples of it
 * @param zDim latent size (256 in the papers)
 * @param conv convolution in the up-blocks: standard (Projected GAN) or depthwise separable (Faster Projected GAN)
 */
public record GeneratorConfig(int resolution, int ngf, int zDim, ConvKind conv) {

    /** The default image side of a training run ({@code --res}). */
    public static final int DEFAULT_RESOLUTION = 256;
    public static final int DEFAULT_NGF = 128;
    public static final int DEFAULT_Z_DIM = 256;
    /** Faster Projected GAN's up-blocks ({@code --generator dsc}). */
    public static final ConvKind DEFAULT_CONV = ConvKind.DSC;

    public GeneratorConfig {
        if (resolution < 64 || resolution > 1024 || Integer.bitCount(resolution) != 1) {
            throw new org.fewgen.util.SettingException("resolution", resolution, "must be a power of two from 64 to 1024");
        }
        if (ngf < 8 || ngf % 8 != 0) {
            throw new org.fewgen.util.SettingException("ngf", ngf, "must be a positive multiple of 8");
        }
        if (zDim < 1) {
            throw new org.fewgen.util.SettingException("zDim", zDim, "must be positive");
        }
        if (conv == null) {
            throw new org.fewgen.util.SettingException("generator", null, "is required (conv or dsc)");
        }
    }

    /** The papers' generator (ngf 128, z 256) at {@code resolution}. */
    public static GeneratorConfig of(int resolution, ConvKind conv) {
        return new GeneratorConfig(resolution, DEFAULT_NGF, DEFAULT_Z_DIM, conv);
    }
}
