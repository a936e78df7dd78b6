package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Tensors;

/** {@code y = x Wᵀ}: a learned {@code (m, n)} measurement matrix without bias, as in the UAE paper. */
public final class LinearEncoder extends Encoder {

    private final NDArray weight;

    /** Initialised N(0, 1/n) entries, so that each row starts near unit norm. */
    public LinearEncoder(NDManager manager, int inputSize, int measurements) {
        super(manager, inputSize, measurements);
        weight = addParameter("weight", manager.randomNormal(0f, (float) (1 / Math.sqrt(inputSize)),
                new Shape(measurements, inputSize), ai.djl.ndarray.types.DataType.FLOAT32));
    }

    /** A linear encoder holding a copy of the given {@code (m, n)} matrix (PCA directions, a loaded run). */
    public static LinearEncoder of(NDManager manager, NDArray matrix) {
        Shape s = matrix.getShape();
        LinearEncoder e = new LinearEncoder(manager, (int) s.get(1), (int) s.get(0));
        Tensors.copyInto(matrix, e.weight);
        return e;
    }

    @Override
    public NDArray forward(NDArray x) {
        return org.fewgen.nn.Linear.apply(x, weight, null);
    }

    @Override
    public NDArray linearWeight() {
        return weight;
    }

    @Override
    public void projectRows(float maxNorm) {
        Tensors.noGrad(() -> {
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray norms = weight.norm(new int[] {1}, true);
                weight.muli(norms.maximum(maxNorm).pow(-1).mul(maxNorm));
            }
            return null;
        });
    }

    @Override
    public NDArray squaredWeightNorm() {
        return weight.square().sum();
    }
}
