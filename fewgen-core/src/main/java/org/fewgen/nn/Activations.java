package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;

/** Stateless activations used by the GAN blocks, as {@link Layer}s and static functions. */
public final class Activations {

    private Activations() {
    }

    /**
     * Gated linear unit over channels (Dauphin et al. 2017): {@code (N, 2C, H, W) → (N, C, H, W)},
     * first half times sigmoid of the second half.
     */
    public static NDArray glu(NDArray x) {
        long c2 = x.getShape().get(1);
        if (c2 % 2 != 0) {
            throw new IllegalArgumentException("GLU needs an even channel count, got " + x.getShape());
        }
        // split rather than two slices: its backward concatenates the two halves' gradients in
        // one pass, where a slice's backward zero-fills a full-size tensor for each half
        NDList halves = x.split(2, 1);
        return halves.get(0).mul(JniUtils.sigmoid(Tensors.pt(halves.get(1))));
    }

    /** Swish / SiLU: {@code x·sigmoid(x)}, any shape. */
    public static NDArray swish(NDArray x) {
        return x.mul(JniUtils.sigmoid(Tensors.pt(x)));
    }

    /** LeakyReLU with slope 0.2, the discriminator's activation. */
    public static NDArray leakyRelu02(NDArray x) {
        return JniUtils.leakyRelu(Tensors.pt(x), 0.2);
    }

    /**
     * ReLU6, {@code min(max(x, 0), 6)}, with the gradient of PyTorch's {@code ReLU6} (hardtanh)
     * and of TensorFlow's {@code relu6}: 1 strictly between the corners, 0 at and beyond them.
     * {@code x.clip(0, 6)} has the same values but torch.clamp's gradient, which is 1 at exactly 0
     * and 6. The frozen MobileNetV2 puts tens of thousands of pre-activations at exactly 0 on images
     * with flat areas; with the bundled weights those channels pass no gradient on, so the two
     * conventions agree there, but only this one is the reference's wherever a corner does matter.
     */
    public static NDArray relu6(NDArray x) {
        // relu's backward reads its result (> 0), so it is 0 at x = 0; where() sends no gradient to x at x >= 6
        NDArray positive = JniUtils.relu(Tensors.pt(x));
        NDArray top = x.gte(6f);
        NDArray six = x.getManager().create(6f).toType(x.getDataType(), false);
        // libtorch's where broadcasts the scalar (DJL's NDArrays.where insists on equal shapes)
        return JniUtils.where(Tensors.pt(top), Tensors.pt(six), Tensors.pt(positive));
    }

    public static NDArray sigmoid(NDArray x) {
        return JniUtils.sigmoid(Tensors.pt(x));
    }

    /** {@link #glu} as a layer. */
    public static final Layer GLU = Activations::glu;
    /** {@link #swish} as a layer. */
    public static final Layer SWISH = Activations::swish;
    /** {@link #leakyRelu02} as a layer. */
    public static final Layer LEAKY_RELU_02 = Activations::leakyRelu02;
    /** {@link #sigmoid} as a layer. */
    public static final Layer SIGMOID = Activations::sigmoid;
}
