package org.fewgen.gan;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DiffAugmentTest {

    @Test
    void translationByAKnownShiftMovesAKnownPixel() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray x = m.zeros(new Shape(2, 3, 8, 8));
            x.set(new ai.djl.ndarray.index.NDIndex("0, :, 4, 5"), 1f);
            x.set(new ai.djl.ndarray.index.NDIndex("1, 1, 0, 0"), 2f);
            NDArray y = DiffAugment.translate(x, new long[] {2, 1}, new long[] {-1, 0});
            assertThat(y.getShape()).isEqualTo(x.getShape());
            // image 0: output (i, j) reads input (i + 2, j − 1): the pixel at (4, 5) lands on (2, 6)
            assertThat(y.getFloat(0, 0, 2, 6)).isEqualTo(1f);
            assertThat(y.getFloat(0, 2, 2, 6)).isEqualTo(1f);
            assertThat(y.sum(new int[] {1, 2, 3}).toFloatArray()).containsExactly(3f, 0f);
            // image 1: the corner pixel moves off the image (zero fill, no wrap-around)
            NDArray back = DiffAugment.translate(x, new long[] {-2, -1}, new long[] {1, 0});
            assertThat(back.getFloat(0, 1, 6, 4)).isEqualTo(1f);
            assertThat(back.getFloat(1, 1, 1, 0)).isEqualTo(2f);
            assertThat(back.get("1").sum().getFloat()).isEqualTo(2f);
        }
    }

    @Test
    void cutoutZeroesTheClippedSquare() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray x = m.ones(new Shape(2, 1, 10, 10));
            NDArray y = DiffAugment.cutout(x, new long[] {5, 0}, new long[] {5, 9}, 4);
            // image 0: rows/cols 3..6; image 1: rows −2..1 → 0..1, cols 7..10 → 7..9
            assertThat(y.get("0").sum().getFloat()).isEqualTo(100f - 16f);
            assertThat(y.getFloat(0, 0, 3, 3)).isEqualTo(0f);
            assertThat(y.getFloat(0, 0, 7, 7)).isEqualTo(1f);
            assertThat(y.get("1").sum().getFloat()).isEqualTo(100f - 6f);
            assertThat(y.getFloat(1, 0, 1, 9)).isEqualTo(0f);
        }
    }

    @Test
    void colorOperationsDoWhatTheirFactorsSay() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 4, 4));
            NDArray f = m.create(new float[] {0.5f, 1.5f}, new Shape(2, 1, 1, 1));
            NDArray c = DiffAugment.contrast(x, f);
            float[] meanBefore = x.reshape(2, -1).mean(new int[] {1}).toFloatArray();
            float[] meanAfter = c.reshape(2, -1).mean(new int[] {1}).toFloatArray();
            assertThat(meanAfter[0]).isCloseTo(meanBefore[0], within(1e-5f));
            float spreadBefore = x.get("1").sub(meanBefore[1]).abs().max().getFloat();
            float spreadAfter = c.get("1").sub(meanAfter[1]).abs().max().getFloat();
            assertThat(spreadAfter).isCloseTo(1.5f * spreadBefore, within(1e-5f));
            // saturation 0 turns every pixel grey (channels equal to their mean)
            NDArray grey = DiffAugment.saturation(x, m.zeros(new Shape(2, 1, 1, 1)));
            NDArray channelMean = x.mean(new int[] {1}, true);
            assertThat(grey.sub(channelMean).abs().max().getFloat()).isLessThan(1e-6f);
            NDArray bright = DiffAugment.brightness(x, m.create(new float[] {0.25f, -0.5f}, new Shape(2, 1, 1, 1)));
            assertThat(bright.sub(x).get("0").max().getFloat()).isCloseTo(0.25f, within(1e-6f));
        }
    }

    @Test
    void randomPolicyKeepsShapeRangesAndGradients() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.randomUniform(-1, 1, new Shape(6, 3, 32, 32));
            x.setRequiresGradient(true);
            try (NDScope s = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                s.suppressNotUsedWarning();
                // geometric operations only move or zero pixels
                NDArray geo = new DiffAugment("translation,cutout").apply(x);
                assertThat(geo.getShape()).isEqualTo(x.getShape());
                Set<Float> inputValues = new HashSet<>();
                for (float v : x.toFloatArray()) {
                    inputValues.add(v);
                }
                int zeros = 0;
                for (float v : geo.toFloatArray()) {
                    // cutout multiplies by 0, which gives −0 for negative pixels
                    assertThat(v == 0f || inputValues.contains(v)).as("value %s comes from the input", v).isTrue();
                    zeros += v == 0f ? 1 : 0;
                }
                // each image loses at least its (possibly clipped) 6×6 cutout square partly: some zeros exist
                assertThat(zeros).isGreaterThan(0);
                // colour: brightness ±0.5, saturation ≤ 2×, contrast ≤ 1.5× keep |values| well bounded
                NDArray all = new DiffAugment(DiscriminatorConfig.DEFAULT_AUG_POLICY).apply(x);
                assertThat(all.getShape()).isEqualTo(x.getShape());
                assertThat(all.abs().max().getFloat()).isLessThan(10f);
                gc.backward(all.sum());
            }
            try (NDArray g = x.getGradient()) {
                assertThat(g.abs().sum().getFloat()).isGreaterThan(0f);
            }
        }
    }

    @Test
    void unknownPolicyNamesTheOperation() {
        assertThatThrownBy(() -> new DiffAugment("color,flip")).hasMessageContaining("'flip'");
        assertThat(new DiffAugment("").ops()).isEmpty();
    }
}
