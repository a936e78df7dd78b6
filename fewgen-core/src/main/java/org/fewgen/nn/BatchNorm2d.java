package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Batch normalisation over {@code (N, C, H, W)} (or {@code (N, C)}), with PyTorch's names
 * ({@code weight, bias, running_mean, running_var}) and semantics: in training mode it uses
 * batch statistics and updates the running ones with {@code momentum} (new = (1−m)·old + m·batch);
 * in eval mode it uses the running statistics.
 */
public class BatchNorm2d extends Module implements Layer {

    private final NDArray weight;
    private final NDArray bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final double eps;
    private final double momentum;

    public BatchNorm2d(NDManager manager, int channels, double eps, double momentum) {
        super(manager);
        this.eps = eps;
        this.momentum = momentum;
        this.weight = addParameter("weight", manager.ones(new Shape(channels)));
        this.bias = addParameter("bias", manager.zeros(new Shape(channels)));
        this.runningMean = addBuffer("running_mean", manager.zeros(new Shape(channels)));
        this.runningVar = addBuffer("running_var", manager.ones(new Shape(channels)));
    }

    /** PyTorch defaults: eps 1e-5, momentum 0.1. */
    public BatchNorm2d(NDManager manager, int channels) {
        this(manager, channels, 1e-5, 0.1);
    }

    public NDArray getWeight() {
        return weight;
    }

    /**
     * A convolution's weight and bias with this eval-mode batch norm folded in, so that the pair
     * runs as one convolution. Eval-mode BN is the per-channel affine map
     * y = (x − mean)·γ/√(var + eps) + β: the weight is scaled by γ/√(var + eps) per output channel
     * and the bias absorbs the rest. That removes a full pass over every activation (and its
     * backward) per convolution; the result agrees with conv-then-BN to float rounding.
     *
     * <p>The folded tensors are a copy: fold again after the weights change. They carry no
     * gradient and belong to no scope; close them when done.
     *
     * @param convWeight {@code (C_out, C_in/groups, kH, kW)}, {@code C_out} = this layer's channels;
     *                   the convolution must have no bias of its own
     */
    public Folded fold(NDArray convWeight) {
        return Tensors.noGrad(() -> {
            try (NDScope scope = new NDScope()) {
                NDArray scale = weight.div(runningVar.add(eps).sqrt());
                NDArray w = convWeight.mul(scale.reshape(-1, 1, 1, 1));
                NDArray b = bias.sub(runningMean.mul(scale));
                w.setRequiresGradient(false);
                b.setRequiresGradient(false);
                scope.unregister(w, b);
                return new Folded(w, b);
            }
        });
    }

    /** A convolution's weight and bias with a batch norm folded in ({@link #fold}). */
    public record Folded(NDArray weight, NDArray bias) implements AutoCloseable {
        @Override
        public void close() {
            weight.close();
            bias.close();
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        // JniUtils.batchNorm's parameter names are misleading: the native call takes
        // (input, running_mean, running_var, weight, bias), as DJL's own PtNDArrayEx passes them
        return JniUtils.batchNorm(Tensors.pt(x), Tensors.pt(runningMean), Tensors.pt(runningVar), Tensors.pt(weight),
                Tensors.pt(bias), isTraining(), momentum, eps);
    }
}
