package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.Activations;
import org.fewgen.nn.BatchNorm2d;
import org.fewgen.nn.Conv2d;
import org.fewgen.nn.Conv2d.Padding;
import org.fewgen.nn.Layer;
import org.fewgen.nn.Module;


/**
 * The two block types of MobileNetV2 and EfficientNet-lite, with timm's member names so that
 * timm-named weight files load name for name. Both add the input back (residual) when the block
 * keeps resolution and channel count, as timm does.
 */
final class InvertedResidualBlocks {

    private InvertedResidualBlocks() {
    }

    /** ReLU6, the activation of every block in both networks (PyTorch's gradient at the corners). */
    static NDArray relu6(NDArray x) {
        return Activations.relu6(x);
    }

    /**
     * A convolution padded the way the network was trained: 1×1 convs never pad; k×k convs pad
     * symmetrically by k/2, except that with {@link Padding#SAME_TF} the stride-2 ones get
     * TensorFlow's lopsided "same" padding. Stride-1 "same" is symmetric, so only the stride-2
     * convs pay for an explicit pad.
     */
    static Conv2d conv(NDManager manager, int in, int out, int kernel, int stride, int groups, Padding padding) {
        Padding mode = kernel == 1 || stride == 1 ? Padding.SYMMETRIC : padding;
        return new Conv2d(manager, in, out, kernel, stride, kernel / 2, groups, false, mode);
    }

    /**
     * A convolution followed by its batch norm, which in eval mode runs as one convolution
     * ({@link BatchNorm2d#fold}): the frozen feature network runs in every discriminator call.
     *
     * <p>The folded tensors are a cache of the registered weights: {@link #fold} must run again
     * after the weights change ({@link InvertedResidualNetwork} does that on load).
     */
    static final class ConvBn {
        private final Conv2d conv;
        private final BatchNorm2d bn;
        private final int stride;
        private final int groups;
        private final Padding mode;
        private BatchNorm2d.Folded folded;

        /** Pairs a conv made by {@link InvertedResidualBlocks#conv} with the BN that follows it. */
        ConvBn(Conv2d conv, BatchNorm2d bn, int stride, int groups, Padding padding) {
            this.conv = conv;
            this.bn = bn;
            this.stride = stride;
            this.groups = groups;
            this.mode = conv.getKernel() == 1 || stride == 1 ? Padding.SYMMETRIC : padding;
        }

        NDArray forward(NDArray x, boolean training) {
            // a trainable weight needs its gradient, which the folded copy does not carry
            if (folded != null && !training && !conv.getWeight().hasGradient()) {
                return Conv2d.conv2d(x, folded.weight(), folded.bias(), stride, conv.getKernel() / 2, groups, mode);
            }
            return bn.forward(conv.forward(x));
        }

        /** Computes (or recomputes) the folded weight and bias from the current weights. */
        void fold() {
            unfold();
            folded = bn.fold(conv.getWeight());
        }

        /** Drops the folded tensors; forward goes back to conv then BN. */
        void unfold() {
            if (folded != null) {
                folded.close();
                folded = null;
            }
        }
    }

    /**
     * timm {@code DepthwiseSeparableConv} without squeeze-excitation: depthwise k×k, BN, ReLU6,
     * pointwise 1×1, BN (no activation). Members {@code conv_dw, bn1, conv_pw, bn2}.
     * Input {@code (N, in, H, W)}, output {@code (N, out, H/stride, W/stride)}.
     */
    static final class DepthwiseSeparable extends Module implements Layer, Foldable {
        private final ConvBn dw;
        private final ConvBn pw;
        private final boolean residual;

        DepthwiseSeparable(NDManager manager, int in, int out, int kernel, int stride, double bnEps,
                           Padding padding) {
            super(manager);
            dw = new ConvBn(addChild("conv_dw", conv(manager, in, in, kernel, stride, in, padding)),
                    addChild("bn1", new BatchNorm2d(manager, in, bnEps, 0.1)), stride, in, padding);
            pw = new ConvBn(addChild("conv_pw", conv(manager, in, out, 1, 1, 1, padding)),
                    addChild("bn2", new BatchNorm2d(manager, out, bnEps, 0.1)), 1, 1, padding);
            residual = stride == 1 && in == out;
        }

        @Override
        public NDArray forward(NDArray x) {
            boolean training = isTraining();
            NDArray y = pw.forward(relu6(dw.forward(x, training)), training);
            return residual ? y.add(x) : y;
        }

        @Override
        public void fold(boolean on) {
            for (ConvBn c : new ConvBn[]{dw, pw}) {
                if (on) {
                    c.fold();
                } else {
                    c.unfold();
                }
            }
        }
    }

    /**
     * timm {@code InvertedResidual} without squeeze-excitation: pointwise expansion 1×1, BN,
     * ReLU6, depthwise k×k (the stride), BN, ReLU6, linear 1×1 projection, BN. Members
     * {@code conv_pw, bn1, conv_dw, bn2, conv_pwl, bn3}.
     * Input {@code (N, in, H, W)}, output {@code (N, out, H/stride, W/stride)}.
     */
    static final class InvertedResidual extends Module implements Layer, Foldable {
        private final ConvBn pw;
        private final ConvBn dw;
        private final ConvBn pwl;
        private final boolean residual;

        InvertedResidual(NDManager manager, int in, int out, int kernel, int stride, int expansion, double bnEps,
                         Padding padding) {
            super(manager);
            int mid = in * expansion;
            pw = new ConvBn(addChild("conv_pw", conv(manager, in, mid, 1, 1, 1, padding)),
                    addChild("bn1", new BatchNorm2d(manager, mid, bnEps, 0.1)), 1, 1, padding);
            dw = new ConvBn(addChild("conv_dw", conv(manager, mid, mid, kernel, stride, mid, padding)),
                    addChild("bn2", new BatchNorm2d(manager, mid, bnEps, 0.1)), stride, mid, padding);
            pwl = new ConvBn(addChild("conv_pwl", conv(manager, mid, out, 1, 1, 1, padding)),
                    addChild("bn3", new BatchNorm2d(manager, out, bnEps, 0.1)), 1, 1, padding);
            residual = stride == 1 && in == out;
        }

        @Override
        public NDArray forward(NDArray x) {
            boolean training = isTraining();
            NDArray y = relu6(pw.forward(x, training));
            y = relu6(dw.forward(y, training));
            y = pwl.forward(y, training);
            return residual ? y.add(x) : y;
        }

        @Override
        public void fold(boolean on) {
            for (ConvBn c : new ConvBn[]{pw, dw, pwl}) {
                if (on) {
                    c.fold();
                } else {
                    c.unfold();
                }
            }
        }
    }

    /** A block whose conv + BN pairs can run folded in eval mode. */
    interface Foldable {
        /** Folds (again, from the current weights) or unfolds every conv + BN pair. */
        void fold(boolean on);
    }
}
