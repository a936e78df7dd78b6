package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Fully connected layer {@code y = x Wᵀ + b}, weight {@code (out, in)} as in PyTorch; input
 * {@code (N, in)}, output {@code (N, out)}. PyTorch's default initialisation U(−1/√in, 1/√in).
 */
public class Linear extends Module implements Layer {

    private final NDArray weight;
    private final NDArray bias;

    public Linear(NDManager manager, int in, int out, boolean bias) {
        super(manager);
        float bound = (float) (1.0 / Math.sqrt(in));
        this.weight = addParameter("weight", manager.randomUniform(-bound, bound, new Shape(out, in)));
        this.bias = bias ? addParameter("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
    }

    public NDArray getWeight() {
        return weight;
    }

    public NDArray getBias() {
        return bias;
    }

    @Override
    public NDArray forward(NDArray x) {
        return apply(x, weight, bias);
    }

    /**
     * {@code x Wᵀ + b} in this thread's {@link Autocast} precision: the one matrix product of
     * every fully connected layer, including encoders that hold their weight matrix themselves.
     *
     * @param bias null for none
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        NDArray y;
        if (Autocast.lowersMatmul(weight.getShape().get(1), weight.getShape().get(0))) {
            NDArray b = Autocast.lower(bias);
            y = Autocast.raise(JniUtils.linear(Tensors.pt(Autocast.lower(x)), Tensors.pt(Autocast.lower(weight)),
                    b == null ? null : Tensors.pt(b)));
        } else {
            y = JniUtils.linear(Tensors.pt(x), Tensors.pt(weight), bias == null ? null : Tensors.pt(bias));
        }
        if (FlopCounter.isEnabled()) {
            FlopCounter.recordMatmul(x, weight, y, weight.getShape().get(1));
        }
        return y;
    }
}
