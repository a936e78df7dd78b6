package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.nn.Tensors;

/** An {@link UncertaintyAutoencoder} (or a fixed encoder with a trained decoder) as a {@link Recovery}. */
public final class UaeRecovery implements Recovery {

    private static final int CHUNK = 1000;
    private final String name;
    private final UncertaintyAutoencoder model;

    public UaeRecovery(String name, UncertaintyAutoencoder model) {
        this.name = name;
        this.model = model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int measurements() {
        return model.encoder().measurements();
    }

    @Override
    public float[] reconstruct(float[] images, int count, float[] eps) {
        int n = model.encoder().inputSize();
        int m = measurements();
        float[] out = new float[count * n];
        boolean wasTraining = model.isTraining();
        model.train(false);
        try {
            Tensors.noGrad(() -> {
                for (int from = 0; from < count; from += CHUNK) {
                    int k = Math.min(CHUNK, count - from);
                    try (NDManager scope = model.getManager().newSubManager()) {
                        NDArray x = scope.create(java.util.Arrays.copyOfRange(images, from * n, (from + k) * n),
                                new Shape(k, n));
                        NDArray e = eps == null ? null
                                : scope.create(java.util.Arrays.copyOfRange(eps, from * m, (from + k) * m), new Shape(k, m));
                        try (ai.djl.ndarray.NDScope s = new ai.djl.ndarray.NDScope()) {
                            s.suppressNotUsedWarning();
                            float[] r = model.decode(model.measure(x, e)).toFloatArray();
                            System.arraycopy(r, 0, out, from * n, r.length);
                        }
                    }
                }
                return null;
            });
        } finally {
            model.train(wasTraining);
        }
        return out;
    }
}
