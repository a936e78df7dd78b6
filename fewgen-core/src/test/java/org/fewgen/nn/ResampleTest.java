package org.fewgen.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.fewgen.FreedHostMemory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Values of the resampling and activation helpers, worked out by hand. */
class ResampleTest {

    @Test
    void resizeModesMatchPyTorchSemantics() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray x = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            assertThat(Resample.nearest2x(x).toFloatArray())
                    .containsExactly(0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3);
            // both forms (matrix and broadcast below 64², libtorch's kernel from 64²) copy each pixel
            // to a 2×2 block, and the gradient of each pixel is the sum over its block
            for (int side : new int[] {Resample.NEAREST_KERNEL_FROM - 1, Resample.NEAREST_KERNEL_FROM}) {
                NDArray maps = m.randomNormal(new Shape(2, 3, side, side));
                maps.setRequiresGradient(true);
                NDArray g = m.randomNormal(new Shape(2, 3, 2 * side, 2 * side));
                NDArray up;
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    up = Resample.nearest2x(maps);
                    gc.backward(up.mul(g).sum());
                }
                assertThat(up.getShape()).isEqualTo(new Shape(2, 3, 2 * side, 2 * side));
                NDArray blockSums = m.zeros(maps.getShape());
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        NDArray block = up.get(":, :, " + dy + "::2, " + dx + "::2");
                        assertThat(block.toFloatArray()).containsExactly(maps.stopGradient().toFloatArray());
                        blockSums = blockSums.add(g.get(":, :, " + dy + "::2, " + dx + "::2"));
                    }
                }
                assertThat(maps.getGradient().toFloatArray()).as("gradient at side %d", side)
                        .containsExactly(blockSums.toFloatArray(), within(1e-5f));
            }
            NDArray row = m.create(new float[] {0, 1}, new Shape(1, 1, 1, 2));
            // align_corners=true: the corner samples stay put, 0 1/3 2/3 1
            float[] aligned = Resample.bilinear(row, 1, 4, true).toFloatArray();
            assertThat(aligned).containsExactly(new float[] {0f, 1f / 3, 2f / 3, 1f}, within(1e-6f));
            // align_corners=false (interp224): half-pixel centres, 0 0.25 0.75 1
            float[] half = Resample.bilinear(row, 1, 4, false).toFloatArray();
            assertThat(half).containsExactly(new float[] {0f, 0.25f, 0.75f, 1f}, within(1e-6f));
            // 3 → 7 without aligned corners (as 64 → 224): src = (i + 0.5)·3/7 − 0.5, clamped at 0
            NDArray three = m.create(new float[] {0, 10, 40}, new Shape(1, 1, 1, 3));
            float[] seven = Resample.bilinear(three, 1, 7, false).toFloatArray();
            float[] source = {0, 10, 40};
            for (int i = 0; i < 7; i++) {
                double src = Math.max((i + 0.5) * 3 / 7 - 0.5, 0);
                int i0 = (int) src;
                int i1 = Math.min(i0 + 1, 2);
                double want = source[i0] * (1 - (src - i0)) + source[i1] * (src - i0);
                assertThat((double) seven[i]).as("pixel %d", i).isCloseTo(want, within(1e-4));
            }
            // downsampling is plain bilinear too (no anti-aliasing): 4 → 2 averages the middle pairs
            NDArray four = m.create(new float[] {0, 4, 8, 100}, new Shape(1, 1, 1, 4));
            assertThat(Resample.bilinear(four, 1, 2, false).toFloatArray()).containsExactly(new float[] {2f, 54f}, within(1e-5f));
            // a 2-D map: rows and columns both interpolated, 2×2 → 3×3 with aligned corners
            float[] grid = Resample.bilinear(x, 3, 3, true).toFloatArray();
            assertThat(grid).containsExactly(new float[] {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3}, within(1e-6f));
            assertThat(Resample.avgPool(x, 2).toFloatArray()).containsExactly(1.5f);
            NDArray big = m.arange(64f).reshape(1, 1, 8, 8);
            // 8 → 4: mean of each 2×2 block; top-left block {0, 1, 8, 9}
            assertThat(Resample.adaptiveAvgPool(big, 4).getFloat(0, 0, 0, 0)).isEqualTo(4.5f);
        }
    }

    @Test
    void gatherAndMatrixPathsAgree() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray x = m.randomNormal(new Shape(2, 3, 9, 6));
            for (boolean aligned : new boolean[] {false, true}) {
                for (int out : new int[] {4, 18, 25}) {
                    NDArray viaMatrix = Resample.bilinear(x, out, 6, aligned);
                    NDArray viaGather = Resample.lerpAlong(x, 2, out, aligned);
                    assertThat(viaGather.sub(viaMatrix).abs().max().getFloat())
                            .as("aligned %s, 9 -> %d", aligned, out).isLessThan(1e-5f);
                }
            }
        }
    }

    @Test
    void gluGatesTheFirstHalfWithTheSecond() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray x = m.create(new float[] {2, -3, 0, 100}, new Shape(1, 4, 1, 1));
            float[] y = Activations.glu(x).toFloatArray();
            assertThat(y[0]).isCloseTo(1f, within(1e-6f)); // 2 · sigmoid(0)
            assertThat(y[1]).isCloseTo(-3f, within(1e-5f)); // −3 · sigmoid(100)
            assertThat(Activations.swish(m.create(new float[] {0f, 20f})).toFloatArray())
                    .containsExactly(new float[] {0f, 20f}, within(1e-5f));
        }
    }

    /**
     * A float64 resize inside {@link Tensors#scoped} (as the discriminator runs it) must keep the
     * weights autograd saved for backward: the scope closes their Java handles, and memory that
     * DJL's {@code create} merely wraps is then freed and reused by whatever allocates next. The
     * gradient after a garbage collection and fresh allocations must equal the one computed while
     * every handle is still open.
     */
    @Test
    void float64BackwardSurvivesTheScopeThatMadeItsWeights() {
        // 6 → 13 takes the matrix form, 256 → 260 the gather form
        for (int side : new int[] {6, Resample.GATHER_FROM_SIZE}) {
            int out = side == 6 ? 13 : side + 4;
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                NDArray x = m.randomNormal(new Shape(1, 2, side, side)).toType(DataType.FLOAT64, false);
                NDArray g = m.randomNormal(new Shape(1, 2, out, out)).toType(DataType.FLOAT64, false);
                double[] expected = resizeGradient(m, x, g, false);
                double[] afterChurn = resizeGradient(m, x, g, true);
                assertThat(afterChurn).as("float64 gradient of a scoped resize %d → %d after the scope closed", side, out)
                        .containsExactly(expected);
            }
        }
    }

    /** d(sum(resize(x) * g))/dx of a scoped resize, with freed host memory reused before backward if {@code churn}. */
    private static double[] resizeGradient(NDManager m, NDArray x, NDArray g, boolean churn) {
        try (NDManager sub = m.newSubManager()) {
            NDArray leaf = x.duplicate();
            leaf.attach(sub);
            leaf.setRequiresGradient(true);
            long out = g.getShape().get(2);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = Tensors.scoped(() -> Resample.bilinear(leaf, out, out, false));
                if (churn) {
                    FreedHostMemory.reuse();
                }
                gc.backward(y.mul(g).sum());
            }
            return leaf.getGradient().toDoubleArray();
        }
    }
}
