package org.fewgen.gan;

/**
 * The convolution used in the generator's up-blocks ({@code --generator}) or the discriminator
 * heads' down-blocks ({@code --d-conv}).
 */
public enum ConvKind {
    /** Standard 3×3 convolution: Projected GAN. */
    CONV,
    /** Depthwise 3×3 then pointwise 1×1 convolution: Faster Projected GAN. */
    DSC
}
