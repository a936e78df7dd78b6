package org.fewgen.nn;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.google.gson.annotations.SerializedName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The arithmetic of convolutions and matrix products: {@code fp32}, or {@code bf16} mixed
 * precision (bfloat16 compute, fp32 master weights, optimizer state, batch-norm statistics,
 * spectral-norm power iteration, losses and reductions), or {@code auto}, which
 * {@link #resolve(Device)} turns into one of the two. This enum and {@link Autocast} are the one
 * place that decides precision; layers only ask {@link Autocast}.
 */
public enum Precision {
    /** Everything in float32. */
    @SerializedName("fp32")
    FP32,
    /** Convolutions and matrix products in bfloat16 on casts of fp32 tensors; the rest in fp32. */
    @SerializedName("bf16")
    BF16,
    /** {@link #BF16} where the hardware computes bfloat16 natively, {@link #FP32} elsewhere. */
    @SerializedName("auto")
    AUTO;

    private static final Pattern CPU_BF16_FLAG = Pattern.compile("(?m)^flags\\s*:.*\\b(avx512_bf16|amx_bf16)\\b");

    /**
     * {@code fp32} ({@code float32}), {@code bf16} ({@code bfloat16}) or {@code auto}, any case: the
     * one parser of the choice.
     *
     * @param setting the field being set ({@code precision}), named in the error
     * @throws org.fewgen.util.SettingException for anything else
     */
    public static Precision parse(String setting, String text) {
        String v = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "fp32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            case "auto" -> AUTO;
            default -> throw new org.fewgen.util.SettingException(setting, "'" + text + "'", "must be fp32, bf16 or auto");
        };
    }

    /** The option spelling: {@code fp32}, {@code bf16} or {@code auto}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tensor type of convolution and matrix-product inputs at this (resolved) precision. */
    public DataType computeType() {
        return switch (this) {
            case FP32 -> DataType.FLOAT32;
            case BF16 -> DataType.BFLOAT16;
            case AUTO -> throw new IllegalStateException("precision auto must be resolved first");
        };
    }

    /**
     * This precision for {@code device}: {@code auto} becomes {@code bf16} on a CPU whose
     * {@code /proc/cpuinfo} lists {@code avx512_bf16} or {@code amx_bf16}, or on a CUDA GPU of
     * compute capability 8.0 or more; {@code fp32} otherwise. {@code fp32} and {@code bf16} stay.
     */
    public Precision resolve(Device device) {
        if (this != AUTO) {
            return this;
        }
        if (device.isGpu()) {
            return resolve(this, null, gpuSupportsBf16(device));
        }
        return resolve(this, readCpuInfo(), false);
    }

    /**
     * The resolution rule on given facts, testable without the hardware.
     *
     * @param cpuinfo the text of {@code /proc/cpuinfo}, or null when unknown (not Linux)
     * @param gpuBf16 whether the tensors live on a GPU that computes bfloat16 natively
     */
    public static Precision resolve(Precision requested, String cpuinfo, boolean gpuBf16) {
        if (requested != AUTO) {
            return requested;
        }
        if (gpuBf16) {
            return BF16;
        }
        return cpuinfo != null && CPU_BF16_FLAG.matcher(cpuinfo).find() ? BF16 : FP32;
    }

    /** Why {@code auto} chose what it chose, for the line a command prints. */
    public static String describe(Precision requested, Precision resolved, Device device) {
        if (requested != AUTO) {
            return "precision " + resolved.label();
        }
        String why = device.isGpu() ? (resolved == BF16 ? "the GPU computes bf16" : "the GPU lacks bf16")
                : (resolved == BF16 ? "the CPU reports avx512_bf16/amx_bf16" : "the CPU reports no avx512_bf16/amx_bf16");
        return "precision " + resolved.label() + " (auto: " + why + ")";
    }

    static String readCpuInfo() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean gpuSupportsBf16(Device device) {
        try {
            // DJL gives major and minor as digits without a separator ("80", "90", "100")
            String cc = ai.djl.util.cuda.CudaUtils.getComputeCapability(device.getDeviceId()).replaceAll("\\D", "");
            return cc.length() >= 2 && Integer.parseInt(cc.substring(0, cc.length() - 1)) >= 8;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
