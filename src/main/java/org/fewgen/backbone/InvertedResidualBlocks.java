package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

    /** ReLU6, the activation of every block in both networks. */
    static NDArray relu6(NDArray x) {
        return x.clip(0f, 6f);
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
     * timm {@code DepthwiseSeparableConv} without squeeze-excitation: depthwise k×k, BN, ReLU6,
     * pointwise 1×1, BN (no activation). Members {@code conv_dw, bn1, conv_pw, bn2}.
     * Input {@code (N, in, H, W)}, output {@code (N, out, H/stride, W/stride)}.
     */
    static final class DepthwiseSeparable extends Module implements Layer {
        private final Conv2d convDw;
        private final BatchNorm2d bn1;
        private final Conv2d convPw;
        private final BatchNorm2d bn2;
        private final boolean residual;

        DepthwiseSeparable(NDManager manager, int in, int out, int kernel, int stride, double bnEps,
                           Padding padding) {
            super(manager);
            convDw = addChild("conv_dw", conv(manager, in, in, kernel, stride, in, padding));
            bn1 = addChild("bn1", new BatchNorm2d(manager, in, bnEps, 0.1));
            convPw = addChild("conv_pw", conv(manager, in, out, 1, 1, 1, padding));
            bn2 = addChild("bn2", new BatchNorm2d(manager, out, bnEps, 0.1));
            residual = stride == 1 && in == out;
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray y = relu6(bn1.forward(convDw.forward(x)));
            y = bn2.forward(convPw.forward(y));
            return residual ? y.add(x) : y;
        }
    }

    /**
     * timm {@code InvertedResidual} without squeeze-excitation: pointwise expansion 1×1, BN,
     * ReLU6, depthwise k×k (the stride), BN, ReLU6, linear 1×1 projection, BN. Members
     * {@code conv_pw, bn1, conv_dw, bn2, conv_pwl, bn3}.
     * Input {@code (N, in, H, W)}, output {@code (N, out, H/stride, W/stride)}.
     */
    static final class InvertedResidual extends Module implements Layer {
        private final Conv2d convPw;
        private final BatchNorm2d bn1;
        private final Conv2d convDw;
        private final BatchNorm2d bn2;
        private final Conv2d convPwl;
        private final BatchNorm2d bn3;
        private final boolean residual;

        InvertedResidual(NDManager manager, int in, int out, int kernel, int stride, int expansion, double bnEps,
                         Padding padding) {
            super(manager);
            int mid = in * expansion;
            convPw = addChild("conv_pw", conv(manager, in, mid, 1, 1, 1, padding));
            bn1 = addChild("bn1", new BatchNorm2d(manager, mid, bnEps, 0.1));
            convDw = addChild("conv_dw", conv(manager, mid, mid, kernel, stride, mid, padding));
            bn2 = addChild("bn2", new BatchNorm2d(manager, mid, bnEps, 0.1));
            convPwl = addChild("conv_pwl", conv(manager, mid, out, 1, 1, 1, padding));
            bn3 = addChild("bn3", new BatchNorm2d(manager, out, bnEps, 0.1));
            residual = stride == 1 && in == out;
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray y = relu6(bn1.forward(convPw.forward(x)));
            y = relu6(bn2.forward(convDw.forward(y)));
            y = bn3.forward(convPwl.forward(y));
            return residual ? y.add(x) : y;
        }
    }
}
