package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Sequential;

/** A non-linear acquisition map: {@code n → hidden… (ReLU) → m}, the last layer linear. */
public final class MlpEncoder extends Encoder {

    private final Sequential net;

    public MlpEncoder(NDManager manager, int inputSize, int[] hidden, int measurements) {
        super(manager, inputSize, measurements);
        net = addChild("net", Mlp.build(manager, inputSize, hidden, measurements, false));
    }

    @Override
    public NDArray forward(NDArray x) {
        return net.forward(x);
    }

    @Override
    public NDArray linearWeight() {
        return null;
    }

    @Override
    public void projectRows(float maxNorm) {
        throw new IllegalArgumentException("row norm needs a linear encoder (an MLP encoder has no measurement rows)");
    }

    @Override
    public NDArray squaredWeightNorm() {
        NDArray total = null;
        for (NDArray p : namedParameters().values()) {
            NDArray s = p.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total;
    }
}
