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
 */
public record DiscriminatorConfig(String backbone, ConvKind headConv, boolean diffAugment, String augPolicy,
                                  long projectorSeed) {

    public static final String DEFAULT_AUG_POLICY = "color,translation,cutout";

    public DiscriminatorConfig {
        if (backbone == null || backbone.isBlank()) {
            throw new IllegalArgumentException("--backbone must name a feature network");
        }
        if (headConv == null) {
            throw new IllegalArgumentException("--d-conv must be conv or dsc");
        }
        if (augPolicy == null) {
            augPolicy = DEFAULT_AUG_POLICY;
        }
        DiffAugment.parsePolicy(augPolicy); // fails naming the unknown operation
    }

    /** The reference configuration on {@code backbone}: standard heads, DiffAugment on, seed 0. */
    public static DiscriminatorConfig of(String backbone) {
        return new DiscriminatorConfig(backbone, ConvKind.CONV, true, DEFAULT_AUG_POLICY, 0L);
    }

    public DiscriminatorConfig withHeadConv(ConvKind conv) {
        return new DiscriminatorConfig(backbone, conv, diffAugment, augPolicy, projectorSeed);
    }

    public DiscriminatorConfig withDiffAugment(boolean on) {
        return new DiscriminatorConfig(backbone, headConv, on, augPolicy, projectorSeed);
    }

    @Override
    public String toString() {
        return "DiscriminatorConfig[backbone=" + backbone + ", headConv=" + headConv + ", diffAugment=" + diffAugment
                + ", augPolicy=" + augPolicy + ", projectorSeed=" + projectorSeed + "]";
    }

    static String[] policyParts(String policy) {
        return Arrays.stream(policy.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }
}
