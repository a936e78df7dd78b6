package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

    @Override
    public NDArray forward(NDArray x) {
        // JniUtils.batchNorm's parameter names are misleading: the native call takes
        // (input, running_mean, running_var, weight, bias), as DJL's own PtNDArrayEx passes them
        return JniUtils.batchNorm(Tensors.pt(x), Tensors.pt(runningMean), Tensors.pt(runningVar), Tensors.pt(weight),
                Tensors.pt(bias), isTraining(), momentum, eps);
    }
}
