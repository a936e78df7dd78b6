package org.fewgen.gan;

import org.fewgen.backbone.Backbones;

import java.util.Arrays;

/**
 * Shape and input pipeline of a {@link ProjectedDiscriminator}, and the discriminator part of a
 * training run's {@link org.fewgen.train.TrainConfig}.
 *
 * @param backbone feature network name ({@code --backbone}, e.g. {@code mobilenetv2_100})
 * @param headConv convolution of the heads' down-blocks ({@code --d-conv}): standard (the
 *     reference's default) or depthwise separable
 * @param diffAugment whether images are augmented (DiffAugment) before the feature network
 * @param augPolicy comma-separated DiffAugment operations: {@code color}, {@code translation}, {@code cutout}
 * @param projectorSeed seed of the random, frozen CCM/CSM projector weights (a training run's seed)
 * @param featureInputSize side that smaller images are resized up to before the feature network
 *     ({@code --d-input}): 224 as the reference; 128 costs about a third of the feature network and
 *     heads' work, which makes short CPU runs at 64² practical at the price of coarser features
 * @param backboneWeights timm-named safetensors file of the feature network ({@code --backbone-weights}),
 *     or null for the bundled weights. It belongs here because the backbone's name and its weights
 *     together are D's frozen feature network: a resumed run refuses a rebuild whose frozen tensors
 *     differ. {@link ProjectedDiscriminator} itself receives the built network.
 */
public record DiscriminatorConfig(String backbone, ConvKind headConv, boolean diffAugment, String augPolicy,
                                  long projectorSeed, int featureInputSize, String backboneWeights) {

    /** The reference DiffAugment policy of Projected GAN. */
    public static final String DEFAULT_AUG_POLICY = "color,translation,cutout";
    /** The reference's heads: standard convolutions ({@code --d-conv conv}). */
    public static final ConvKind DEFAULT_HEAD_CONV = ConvKind.CONV;
    /** The reference's feature-network input side for images smaller than it. */
    public static final int DEFAULT_FEATURE_INPUT_SIZE = 224;
    /**
     * Smallest feature-network input: every head sees {@code side/32} pixels after its down-blocks
     * and ends in a 4×4 convolution.
     */
    public static final int MIN_FEATURE_INPUT_SIZE = 128;

    public DiscriminatorConfig {
        if (backbone == null || backbone.isBlank()) {
            throw new org.fewgen.util.SettingException("backbone", null, "must name a feature network");
        }
        if (headConv == null) {
            throw new org.fewgen.util.SettingException("dConv", null, "must be conv or dsc");
        }
        if (augPolicy == null) {
            augPolicy = DEFAULT_AUG_POLICY;
        }
        DiffAugment.parsePolicy(augPolicy); // fails naming the unknown operation
        if (featureInputSize < MIN_FEATURE_INPUT_SIZE || featureInputSize % 32 != 0) {
            throw new org.fewgen.util.SettingException("dInput", featureInputSize, "must be a multiple of 32 and at"
                    + " least " + MIN_FEATURE_INPUT_SIZE + " (the heads end in a 4x4 convolution on side/32 pixels)");
        }
    }

    /** A configuration with the bundled backbone weights. */
    public DiscriminatorConfig(String backbone, ConvKind headConv, boolean diffAugment, String augPolicy,
                               long projectorSeed, int featureInputSize) {
        this(backbone, headConv, diffAugment, augPolicy, projectorSeed, featureInputSize, null);
    }

    /** A configuration with the reference's feature-network input side (224) and the bundled weights. */
    public DiscriminatorConfig(String backbone, ConvKind headConv, boolean diffAugment, String augPolicy,
                               long projectorSeed) {
        this(backbone, headConv, diffAugment, augPolicy, projectorSeed, DEFAULT_FEATURE_INPUT_SIZE, null);
    }

    /** The reference configuration on {@code backbone}: standard heads, DiffAugment on, seed 0. */
    public static DiscriminatorConfig of(String backbone) {
        return new DiscriminatorConfig(backbone, DEFAULT_HEAD_CONV, true, DEFAULT_AUG_POLICY, 0L);
    }

    /** The reference configuration on the default backbone ({@value Backbones#DEFAULT}). */
    public static DiscriminatorConfig reference() {
        return of(Backbones.DEFAULT);
    }

    public DiscriminatorConfig withHeadConv(ConvKind conv) {
        return new DiscriminatorConfig(backbone, conv, diffAugment, augPolicy, projectorSeed, featureInputSize,
                backboneWeights);
    }

    public DiscriminatorConfig withDiffAugment(boolean on) {
        return new DiscriminatorConfig(backbone, headConv, on, augPolicy, projectorSeed, featureInputSize,
                backboneWeights);
    }

    public DiscriminatorConfig withFeatureInputSize(int side) {
        return new DiscriminatorConfig(backbone, headConv, diffAugment, augPolicy, projectorSeed, side,
                backboneWeights);
    }

    static String[] policyParts(String policy) {
        return Arrays.stream(policy.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }
}
