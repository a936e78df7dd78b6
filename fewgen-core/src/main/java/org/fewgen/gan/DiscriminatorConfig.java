package org.fewgen.gan;

import java.util.Arrays;

/**
 * Shape and input pipeline of a {@link ProjectedDiscriminator}.
 *
 * @param backbone feature network name ({@code --backbone}, e.g. {@code mobilenetv2_100})
 * @param headConv convolution of the heads' down-blocks ({@code --d-conv}): standard (the
 *     reference's default) or depthwise separable
 * @param diffAugment whether images are augmented (DiffAugment) before the feature network
 * @param augPolicy comma-separated DiffAugment operations: {@code color}, {@code translation}, {@code cutout}
 * @param projectorSeed seed of the random, frozen CCM/CSM projector weights
 * @param featureInputSize side that smaller images are resized up to before the feature network
 *     ({@code --d-input}): 224 as the reference; 128 costs about a third of the feature network and
 *     heads' work, which makes short CPU runs at 64² practical at the price of coarser features
 */
public record DiscriminatorConfig(String backbone, ConvKind headConv, boolean diffAugment, String augPolicy,
                                  long projectorSeed, int featureInputSize) {

    public static final String DEFAULT_AUG_POLICY = "color,translation,cutout";
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
        checkFeatureInputSize(featureInputSize);
    }

    /** A configuration with the reference's feature-network input side (224). */
    public DiscriminatorConfig(String backbone, ConvKind headConv, boolean diffAugment, String augPolicy,
                               long projectorSeed) {
        this(backbone, headConv, diffAugment, augPolicy, projectorSeed, DEFAULT_FEATURE_INPUT_SIZE);
    }

    /** @throws IllegalArgumentException unless {@code side} is a multiple of 32 and at least 128 */
    public static int checkFeatureInputSize(int side) {
        if (side < MIN_FEATURE_INPUT_SIZE || side % 32 != 0) {
            throw new org.fewgen.util.SettingException("dInput", side, "must be a multiple of 32 and at least "
                    + MIN_FEATURE_INPUT_SIZE + " (the heads end in a 4x4 convolution on side/32 pixels)");
        }
        return side;
    }

    /** The reference configuration on {@code backbone}: standard heads, DiffAugment on, seed 0. */
    public static DiscriminatorConfig of(String backbone) {
        return new DiscriminatorConfig(backbone, ConvKind.CONV, true, DEFAULT_AUG_POLICY, 0L);
    }

    public DiscriminatorConfig withHeadConv(ConvKind conv) {
        return new DiscriminatorConfig(backbone, conv, diffAugment, augPolicy, projectorSeed, featureInputSize);
    }

    public DiscriminatorConfig withDiffAugment(boolean on) {
        return new DiscriminatorConfig(backbone, headConv, on, augPolicy, projectorSeed, featureInputSize);
    }

    public DiscriminatorConfig withFeatureInputSize(int side) {
        return new DiscriminatorConfig(backbone, headConv, diffAugment, augPolicy, projectorSeed, side);
    }

    @Override
    public String toString() {
        return "DiscriminatorConfig[backbone=" + backbone + ", headConv=" + headConv + ", diffAugment=" + diffAugment
                + ", augPolicy=" + augPolicy + ", projectorSeed=" + projectorSeed + ", featureInputSize=" + featureInputSize
                + "]";
    }

    static String[] policyParts(String policy) {
        return Arrays.stream(policy.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }
}
