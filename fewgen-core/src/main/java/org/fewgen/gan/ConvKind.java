package org.fewgen.gan;

/**
 * The convolution used in the generator's up-blocks ({@code --generator}) or the discriminator
 * heads' down-blocks ({@code --d-conv}).
 */
public enum ConvKind {
    /** Standard 3×3 convolution: Projected GAN. */
    CONV,
    /** Depthwise 3×3 then pointwise 1×1 convolution: Faster Projected GAN. */
    DSC;

    /**
     * {@code conv} or {@code dsc}, any case: the one parser of the choice.
     *
     * @param setting the field being set ({@code generator}, {@code dConv}), named in the error
     * @throws org.fewgen.util.SettingException for anything else
     */
    public static ConvKind parse(String setting, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "conv" -> CONV;
            case "dsc" -> DSC;
            default -> throw new org.fewgen.util.SettingException(setting, "'" + text + "'", "must be conv or dsc");
        };
    }

    /** The name the CLI and config files use: {@code conv} or {@code dsc}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
