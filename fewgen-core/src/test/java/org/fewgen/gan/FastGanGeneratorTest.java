package org.fewgen.gan;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FastGanGeneratorTest {

    @ParameterizedTest
    @CsvSource({"256, CONV, 79354307", "256, DSC, 33648195", "512, CONV, 79522531", "512, DSC, 33784227"})
    void parameterCountsMatchThePapersGenerators(int res, ConvKind conv, long expected) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FastGanGenerator g = new FastGanGenerator(m, GeneratorConfig.of(res, conv));
            assertThat(g.parameterCount()).isEqualTo(expected);
        }
    }

    @Test
    void namesFollowTheReferenceLayout() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FastGanGenerator g = new FastGanGenerator(m, new GeneratorConfig(256, 16, 32, ConvKind.DSC));
            Map<String, NDArray> params = g.namedParameters();
            assertThat(params).containsKeys("init.init.0.weight_orig", "init.init.1.weight", "feat_8.1.depthwise.weight_orig",
                    "feat_256.1.pointwise.weight_orig", "feat_256.2.bias", "se_64.main.1.weight_orig",
                    "se_256.main.3.weight_orig", "to_big.weight_orig", "to_big.bias");
            assertThat(params).doesNotContainKeys("feat_512.1.depthwise.weight_orig", "se_512.main.1.weight_orig");
            assertThat(g.namedBuffers()).containsKeys("init.init.0.weight_u", "feat_8.2.running_mean");
            assertThat(params.get("init.init.0.weight_orig").getShape()).isEqualTo(new Shape(32, 2 * 16 * 16, 4, 4));
        }
    }

    @ParameterizedTest
    @CsvSource({"64, CONV", "64, DSC", "256, DSC", "1024, CONV"})
    void smallWidthGeneratorMakesImagesOfTheRequestedSize(int res, ConvKind conv) {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            FastGanGenerator g = new FastGanGenerator(m, new GeneratorConfig(res, 8, 16, conv));
            List<String> seen = new ArrayList<>();
            NDArray img = g.forward(m.randomNormal(new Shape(2, 16)), (name, x) -> seen.add(name));
            assertThat(img.getShape()).isEqualTo(new Shape(2, 3, res, res));
            assertThat(seen).startsWith("init", "feat_8").endsWith("to_big").contains("se_64");
            assertThat(seen.contains("se_512")).isEqualTo(res >= 512);
            assertThat(seen).doesNotContain("se_1024");
        }
    }

    @Test
    void latentsAreNormalisedToTheSphere() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray z = m.create(new float[] {3, 4, 0, 0, 1, 1, 1, 1}, new Shape(2, 4));
            float[] n = FastGanGenerator.normalizeSecondMoment(z).toFloatArray();
            // row 1: mean square 25/4 → scale 2/5
            assertThat(n[0]).isCloseTo(1.2f, org.assertj.core.api.Assertions.within(1e-5f));
            assertThat(n[1]).isCloseTo(1.6f, org.assertj.core.api.Assertions.within(1e-5f));
            assertThat(n[4]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void gradientsReachEveryParameter() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FastGanGenerator g = new FastGanGenerator(m, new GeneratorConfig(64, 8, 16, ConvKind.DSC));
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                s.suppressNotUsedWarning();
                NDArray img = g.forward(m.randomNormal(new Shape(3, 16)));
                gc.backward(img.square().mean());
            }
            for (Map.Entry<String, NDArray> e : g.namedParameters().entrySet()) {
                try (NDArray grad = e.getValue().getGradient()) {
                    assertThat(grad.abs().sum().getFloat()).as(e.getKey()).isGreaterThan(0f);
                }
            }
        }
    }

    @Test
    void badConfigNamesTheOption() {
        assertThatThrownBy(() -> GeneratorConfig.of(100, ConvKind.CONV)).hasMessage("resolution 100: must be a power of two from 64 to 1024")
                .hasMessageContaining("100");
        assertThatThrownBy(() -> new GeneratorConfig(256, 12, 256, ConvKind.CONV)).hasMessage("ngf 12: must be a positive multiple of 8");
    }
}
