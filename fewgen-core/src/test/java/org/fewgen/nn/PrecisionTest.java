package org.fewgen.nn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrecisionTest {

    private static final String SAPPHIRE_RAPIDS = "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\n"
            + "flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile avx512_fp16\n\n";
    private static final String AMX_ONLY = "flags\t\t: fpu avx512f amx_tile amx_bf16\n";
    private static final String SKYLAKE = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_vnni\n"
            // a bf16 word elsewhere in the file is not a flag
            + "bugs\t\t: avx512_bf16\n";

    @Test
    void autoIsBf16ExactlyWhereTheCpuOrGpuComputesBf16() {
        assertThat(Precision.resolve(Precision.AUTO, SAPPHIRE_RAPIDS, false)).isEqualTo(Precision.BF16);
        assertThat(Precision.resolve(Precision.AUTO, AMX_ONLY, false)).isEqualTo(Precision.BF16);
        assertThat(Precision.resolve(Precision.AUTO, SKYLAKE, false)).isEqualTo(Precision.FP32);
        assertThat(Precision.resolve(Precision.AUTO, null, false)).isEqualTo(Precision.FP32);
        assertThat(Precision.resolve(Precision.AUTO, null, true)).isEqualTo(Precision.BF16);
        assertThat(Precision.resolve(Precision.AUTO, SKYLAKE, true)).isEqualTo(Precision.BF16);
        // explicit choices are kept whatever the hardware
        assertThat(Precision.resolve(Precision.FP32, SAPPHIRE_RAPIDS, true)).isEqualTo(Precision.FP32);
        assertThat(Precision.resolve(Precision.BF16, SKYLAKE, false)).isEqualTo(Precision.BF16);
    }

    @Test
    void parsesTheSettingAndNamesItInErrors() {
        assertThat(Precision.parse("precision", "BF16")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse("precision", " fp32")).isEqualTo(Precision.FP32);
        assertThat(Precision.parse("precision", "bfloat16")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse("precision", "auto")).isEqualTo(Precision.AUTO);
        assertThatThrownBy(() -> Precision.parse("precision", "fp16"))
                .isInstanceOf(org.fewgen.util.SettingException.class)
                .hasMessage("precision 'fp16': must be fp32, bf16 or auto");
    }

    @Test
    void describeSaysWhyAutoChose() {
        assertThat(Precision.describe(Precision.AUTO, Precision.BF16, ai.djl.Device.cpu()))
                .isEqualTo("precision bf16 (auto: the CPU reports avx512_bf16/amx_bf16)");
        assertThat(Precision.describe(Precision.FP32, Precision.FP32, ai.djl.Device.cpu())).isEqualTo("precision fp32");
    }
}
