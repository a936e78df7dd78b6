package org.fewgen.data;

import java.util.Locale;

/**
 * How a non-square image becomes square before it is resized to R×R.
 */
public enum Transform {
    /** Keep the largest centred square; the borders of the longer side are cut off. */
    CENTER_CROP,
    /** Keep the whole image and fill the shorter side with white, equally on both sides. */
    PAD;

    /** The name on the command line: {@code center-crop} or {@code pad}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code center-crop}/{@code centre-crop}/{@code pad} (case-insensitive; '_' and '-' are equal). */
    public static Transform parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "center-crop", "centre-crop", "crop" -> CENTER_CROP;
            case "pad" -> PAD;
            default -> throw new IllegalArgumentException("unknown transform '" + text + "' (expected center-crop or pad)");
        };
    }
}
