package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.BatchNorm2d;
import org.fewgen.nn.Layer;
import org.fewgen.nn.Module;
import org.fewgen.nn.Tensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Inception v3 up to its 2048-d global pool ("pool3"), with torchvision/timm module names
 * ({@code Conv2d_1a_3x3} … {@code Mixed_7c}, each {@code BasicConv2d} = {@code conv} without
 * bias, {@code bn} with eps 1e-3, ReLU), in the three pooling variants of {@link Variant}.
 *
 * <p>Shapes at 299² input: Mixed_5d (N, 288, 35, 35), Mixed_6e (N, 768, 17, 17), Mixed_7c
 * (N, 2048, 8, 8), pool3 (N, 2048). Any input of at least 75² runs; FID is defined at 299².
 * Frozen, always in eval mode.
 */
public final class InceptionV3 extends Module {

    /**
     * Which network the weights belong to; they differ only in the average pools of the Mixed
     * blocks' {@code branch_pool}, which decide whether published numbers are reproduced.
     */
    public enum Variant {
        /**
         * The network of pytorch-fid, clean-fid and StyleGAN's metrics (TensorFlow's 2015-12-05
         * graph ported to PyTorch): the 3×3 average pools exclude padding
         * ({@code count_include_pad=False}), and the last block (Mixed_7c) max-pools in its
         * {@code branch_pool}. Input range [−1, 1] (pytorch-fid maps [0, 1] images to 2x − 1).
         */
        FID(false, true),
        /**
         * torchvision's / timm's standard ImageNet {@code inception_v3}: average pools include the
         * padding. Input range [−1, 1] (timm mean = std = 0.5; torchvision's
         * {@code transform_input} arrives at the same range).
         */
        IMAGENET(true, false),
        /**
         * The Keras InceptionV3 of nsfwjs ({@code inception_v3.nsfwjs.safetensors}): standard
         * structure, but Keras' "same" average pools exclude padding. Input range [0, 1]
         * (nsfwjs' RGB/255; its ImageNet layers were pretrained on [−1, 1], the fine-tuned
         * Mixed_6d … Mixed_7c and head saw [0, 1]).
         */
        NSFWJS(false, false);

        private final boolean countIncludePad;
        private final boolean maxPoolInLastBlock;

        Variant(boolean countIncludePad, boolean maxPoolInLastBlock) {
            this.countIncludePad = countIncludePad;
            this.maxPoolInLastBlock = maxPoolInLastBlock;
        }

        /**
         * Maps images in [0, 1] to this variant's input range.
         *
         * @param unit images {@code (N, 3, H, W)} in [0, 1]
         * @return the same images in the range the weights expect
         */
        public NDArray fromUnitRange(NDArray unit) {
            return this == NSFWJS ? unit : unit.mul(2f).sub(1f);
        }
    }

    /** The outputs of one forward pass. */
    public record Outputs(NDArray mixed5d, NDArray mixed6e, NDArray mixed7c, NDArray pool3) {
    }

    private final Variant variant;
    private final Layer[] layers;
    private NsfwHead fc;
    private boolean folded;
    private String weightsSource = "random initialisation";

    /**
     * Builds the network with PyTorch-default random weights.
     *
     * @param manager owner of the tensors
     * @param variant pooling variant
     */
    public InceptionV3(NDManager manager, Variant variant) {
        super(manager);
        this.variant = variant;
        boolean incl = variant.countIncludePad;
        layers = new Layer[]{
                addChild("Conv2d_1a_3x3", new BasicConv2d(manager, 3, 32, 3, 3, 2, 0, 0)),
                addChild("Conv2d_2a_3x3", new BasicConv2d(manager, 32, 32, 3, 3, 1, 0, 0)),
                addChild("Conv2d_2b_3x3", new BasicConv2d(manager, 32, 64, 3, 3, 1, 1, 1)),
                InceptionV3::maxPool3x3s2,
                addChild("Conv2d_3b_1x1", new BasicConv2d(manager, 64, 80, 1, 1, 1, 0, 0)),
                addChild("Conv2d_4a_3x3", new BasicConv2d(manager, 80, 192, 3, 3, 1, 0, 0)),
                InceptionV3::maxPool3x3s2,
                addChild("Mixed_5b", new BlockA(manager, 192, 32, incl)),
                addChild("Mixed_5c", new BlockA(manager, 256, 64, incl)),
                addChild("Mixed_5d", new BlockA(manager, 288, 64, incl)),
                addChild("Mixed_6a", new BlockB(manager, 288)),
                addChild("Mixed_6b", new BlockC(manager, 768, 128, incl)),
                addChild("Mixed_6c", new BlockC(manager, 768, 160, incl)),
                addChild("Mixed_6d", new BlockC(manager, 768, 160, incl)),
                addChild("Mixed_6e", new BlockC(manager, 768, 192, incl)),
                addChild("Mixed_7a", new BlockD(manager, 768)),
                addChild("Mixed_7b", new BlockE(manager, 1280, incl, false)),
                addChild("Mixed_7c", new BlockE(manager, 2048, incl, variant.maxPoolInLastBlock)),
        };
        setTrainable(false);
        setAlwaysEval(true);
        foldBatchNorm(true);
    }

    @Override
    public void loadStateDict(Map<String, NDArray> source, boolean strict, String origin) {
        super.loadStateDict(source, strict, origin);
        foldBatchNorm(folded);
    }

    /**
     * Runs every conv + batch norm as one convolution ({@link BatchNorm2d#fold}; on from
     * construction, the network being frozen and always in eval mode), or goes back to separate
     * ops. The results agree to float rounding. The folded weights follow {@link #loadStateDict}.
     */
    public void foldBatchNorm(boolean on) {
        folded = on;
        foldAll(this, on);
    }

    /** Whether {@link #foldBatchNorm} is on. */
    public boolean isBatchNormFolded() {
        return folded;
    }

    private static void foldAll(Module m, boolean on) {
        if (m instanceof BasicConv2d b) {
            b.fold(on);
        }
        for (Module child : m.children().values()) {
            foldAll(child, on);
        }
    }

    /**
     * Builds the network and loads a safetensors file with torchvision/timm names. Every
     * tensor of the network must be there with its shape; besides them the file may only hold
     * {@code fc.*} (a classifier: the nsfwjs head {@code fc.0/3/6} is loaded, a single
     * ImageNet {@code fc} ignored), {@code AuxLogits.*} (ignored) and {@code num_batches_tracked}.
     *
     * @throws IOException when the file is missing or not safetensors (message names it)
     * @throws IllegalArgumentException naming the first missing, unexpected or misshapen tensor
     */
    public static InceptionV3 load(NDManager manager, Path weightsFile, Variant variant) throws IOException {
        InceptionV3 net = new InceptionV3(manager, variant);
        try (NDManager scratch = manager.newSubManager()) {
            PretrainedWeights.Loaded loaded = PretrainedWeights.readFile(weightsFile, scratch);
            PretrainedWeights.loadInto(net, loaded, "fc", net::attachClassifier, "AuxLogits");
            net.weightsSource = loaded.origin() + " (sha256 " + loaded.sha256() + ")";
        }
        return net;
    }

    public Variant variant() {
        return variant;
    }

    /** The weights file and its SHA-256, or {@code "random initialisation"}: print it beside every FID. */
    public String weightsSource() {
        return weightsSource;
    }

    /**
     * The whole network.
     *
     * @param x images {@code (N, 3, 299, 299)} in the variant's input range ({@link Variant#fromUnitRange})
     */
    public Outputs forwardAll(NDArray x) {
        NDArray y = x;
        NDArray mixed5d = null;
        NDArray mixed6e = null;
        for (int i = 0; i < layers.length; i++) {
            y = layers[i].forward(y);
            if (i == 9) {
                mixed5d = y;
            } else if (i == 14) {
                mixed6e = y;
            }
        }
        NDArray mixed7c = Autocast.toFloat32(y);
        return new Outputs(Autocast.toFloat32(mixed5d), Autocast.toFloat32(mixed6e), mixed7c,
                FeatureNetwork.globalAverage(mixed7c));
    }

    /**
     * The 2048-d pool3 features that FID and KID compare.
     *
     * @param x images {@code (N, 3, 299, 299)} in the variant's input range ({@link Variant#fromUnitRange})
     * @return {@code (N, 2048)}
     */
    public NDArray pool3(NDArray x) {
        NDArray y = x;
        for (Layer layer : layers) {
            y = layer.forward(y);
        }
        return FeatureNetwork.globalAverage(Autocast.toFloat32(y));
    }

    /** Whether the weights file brought the nsfwjs classifier {@code fc.0/3/6}. */
    public boolean hasClassifier() {
        return fc != null;
    }

    /**
     * Probabilities of the nsfwjs head.
     *
     * @param pool3 {@code (N, 2048)}
     * @return {@code (N, 5)} in the order of {@link NsfwHead#CLASSES}
     * @throws IllegalStateException when no classifier was loaded
     */
    public NDArray classProbabilities(NDArray pool3) {
        if (fc == null) {
            throw new IllegalStateException("inception_v3: no classifier was loaded (the weights file has no fc.0/3/6)");
        }
        return fc.probabilities(pool3);
    }

    private void attachClassifier(Map<String, NDArray> tensors, String origin) {
        NsfwHead head = new NsfwHead(manager, 2048);
        head.loadStateDict(tensors, true, origin + " (fc.*)");
        fc = head;
    }

    private static NDArray maxPool3x3s2(NDArray x) {
        return JniUtils.maxPool(Tensors.pt(x), new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
    }

    /**
     * 3×3 stride-1 pooling padded by 1 (output size = input size).
     *
     * <p>DJL 0.35.1's native average pool ignores its {@code countIncludePad} flag and always
     * divides by 9, so the padding-excluding average is computed here: dividing by the average
     * pool of a ones map rescales each border position by 9 / (valid cells in its window).
     */
    static NDArray pool3x3s1(NDArray x, boolean max, boolean countIncludePad) {
        Shape k = new Shape(3, 3);
        Shape s = new Shape(1, 1);
        Shape p = new Shape(1, 1);
        if (max) {
            return JniUtils.maxPool(Tensors.pt(x), k, s, p, false);
        }
        NDArray avg = JniUtils.avgPool(Tensors.pt(x), k, s, p, false, true);
        if (countIncludePad) {
            return avg;
        }
        Shape xs = x.getShape();
        boolean bf16 = Autocast.isReduced(x);
        try (NDArray ones = x.getManager().ones(new Shape(1, 1, xs.get(2), xs.get(3)),
                     bf16 ? DataType.FLOAT32 : x.getDataType(), x.getDevice());
             NDArray validFraction = JniUtils.avgPool(Tensors.pt(ones), k, s, p, false, true)) {
            if (!bf16) {
                return avg.div(validFraction);
            }
            try (NDArray divisor = Autocast.lower(validFraction)) {
                return avg.div(divisor);
            }
        }
    }

    private static NDArray cat(NDArray... parts) {
        PtNDArray[] pt = new PtNDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            pt[i] = Tensors.pt(parts[i]);
        }
        return JniUtils.cat(pt, 1);
    }

    /** A bias-free convolution with a kh×kw kernel (Inception's 1×7, 7×1, 1×3, 3×1 included). */
    static final class KernelConv extends Module implements Layer {
        private final NDArray weight;
        private final int stride;
        private final int padH;
        private final int padW;

        KernelConv(NDManager manager, int in, int out, int kh, int kw, int stride, int padH, int padW) {
            super(manager);
            float bound = (float) (1.0 / Math.sqrt((double) in * kh * kw));
            weight = addParameter("weight", manager.randomUniform(-bound, bound, new Shape(out, in, kh, kw)));
            this.stride = stride;
            this.padH = padH;
            this.padW = padW;
        }

        @Override
        public NDArray forward(NDArray x) {
            if (lowered()) {
                return Autocast.raise(convolve(Autocast.lower(x), Autocast.lower(weight), null));
            }
            return convolve(x, weight, null);
        }

        /** Whether {@link Autocast} computes this convolution in bf16 now. */
        boolean lowered() {
            return Autocast.lowersConv(1, weight.getShape().get(1), weight.getShape().get(0));
        }

        /** This convolution's shape and stride with another weight and bias, in their type (no casts). */
        NDArray convolve(NDArray x, NDArray w, NDArray bias) {
            return JniUtils.convolution(Tensors.pt(x), Tensors.pt(w), bias == null ? null : Tensors.pt(bias),
                    new Shape(stride, stride), new Shape(padH, padW), new Shape(1, 1), 1);
        }

        NDArray weight() {
            return weight;
        }
    }

    /**
     * torchvision {@code BasicConv2d}: {@code conv} (no bias), {@code bn} (eps 1e-3), ReLU. The
     * network is frozen and always in eval mode, so the batch norm runs folded into the
     * convolution ({@link BatchNorm2d#fold}) once {@link #fold} has run.
     */
    static final class BasicConv2d extends Module implements Layer {
        private final KernelConv conv;
        private final BatchNorm2d bn;
        private BatchNorm2d.Folded folded;
        /** bf16 copies of the folded weight and bias, made on the first bf16 forward. */
        private BatchNorm2d.Folded foldedBf16;

        BasicConv2d(NDManager manager, int in, int out, int kh, int kw, int stride, int padH, int padW) {
            super(manager);
            conv = addChild("conv", new KernelConv(manager, in, out, kh, kw, stride, padH, padW));
            bn = addChild("bn", new BatchNorm2d(manager, out, 1e-3, 0.1));
        }

        /** A 1×1 convolution. */
        BasicConv2d(NDManager manager, int in, int out) {
            this(manager, in, out, 1, 1, 1, 0, 0);
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray y;
            if (folded == null) {
                y = bn.forward(conv.forward(Autocast.toFloat32(x)));
            } else if (conv.lowered()) {
                // the output stays bf16 for the next layer, as under autocast: with a cast in and
                // out of every layer bf16 gained Inception 1.22-1.27x, autocast 1.74-1.78x (docs/benchmarks.md)
                BatchNorm2d.Folded wb = foldedBf16();
                y = conv.convolve(Autocast.isReduced(x) ? x : Autocast.lower(x), wb.weight(), wb.bias());
            } else {
                y = conv.convolve(Autocast.toFloat32(x), folded.weight(), folded.bias());
            }
            return JniUtils.relu(Tensors.pt(y));
        }

        private synchronized BatchNorm2d.Folded foldedBf16() {
            if (foldedBf16 == null) {
                foldedBf16 = Tensors.noGrad(() -> new BatchNorm2d.Folded(Autocast.lower(folded.weight()),
                        Autocast.lower(folded.bias())));
                // made during some caller's forward: they outlive that caller's NDScope
                NDScope.unregister(foldedBf16.weight(), foldedBf16.bias());
            }
            return foldedBf16;
        }

        /** Folds the batch norm into the convolution again from the current weights, or unfolds. */
        synchronized void fold(boolean on) {
            if (foldedBf16 != null) {
                foldedBf16.close();
                foldedBf16 = null;
            }
            if (folded != null) {
                folded.close();
                folded = null;
            }
            if (on) {
                folded = bn.fold(conv.weight());
            }
        }
    }

    /** Mixed_5b/c/d: 1×1 | 1×1→5×5 | 1×1→3×3→3×3 | avg-pool→1×1; 224 + poolFeatures channels. */
    static final class BlockA extends Module implements Layer {
        private final BasicConv2d b1x1;
        private final BasicConv2d b5x5a;
        private final BasicConv2d b5x5b;
        private final BasicConv2d bDbl1;
        private final BasicConv2d bDbl2;
        private final BasicConv2d bDbl3;
        private final BasicConv2d bPool;
        private final boolean countIncludePad;

        BlockA(NDManager m, int in, int poolFeatures, boolean countIncludePad) {
            super(m);
            b1x1 = addChild("branch1x1", new BasicConv2d(m, in, 64));
            b5x5a = addChild("branch5x5_1", new BasicConv2d(m, in, 48));
            b5x5b = addChild("branch5x5_2", new BasicConv2d(m, 48, 64, 5, 5, 1, 2, 2));
            bDbl1 = addChild("branch3x3dbl_1", new BasicConv2d(m, in, 64));
            bDbl2 = addChild("branch3x3dbl_2", new BasicConv2d(m, 64, 96, 3, 3, 1, 1, 1));
            bDbl3 = addChild("branch3x3dbl_3", new BasicConv2d(m, 96, 96, 3, 3, 1, 1, 1));
            bPool = addChild("branch_pool", new BasicConv2d(m, in, poolFeatures));
            this.countIncludePad = countIncludePad;
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(b1x1.forward(x),
                    b5x5b.forward(b5x5a.forward(x)),
                    bDbl3.forward(bDbl2.forward(bDbl1.forward(x))),
                    bPool.forward(pool3x3s1(x, false, countIncludePad)));
        }
    }

    /** Mixed_6a (grid reduction 35→17): 3×3/2 | 1×1→3×3→3×3/2 | max-pool/2; 768 channels. */
    static final class BlockB extends Module implements Layer {
        private final BasicConv2d b3x3;
        private final BasicConv2d bDbl1;
        private final BasicConv2d bDbl2;
        private final BasicConv2d bDbl3;

        BlockB(NDManager m, int in) {
            super(m);
            b3x3 = addChild("branch3x3", new BasicConv2d(m, in, 384, 3, 3, 2, 0, 0));
            bDbl1 = addChild("branch3x3dbl_1", new BasicConv2d(m, in, 64));
            bDbl2 = addChild("branch3x3dbl_2", new BasicConv2d(m, 64, 96, 3, 3, 1, 1, 1));
            bDbl3 = addChild("branch3x3dbl_3", new BasicConv2d(m, 96, 96, 3, 3, 2, 0, 0));
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(b3x3.forward(x), bDbl3.forward(bDbl2.forward(bDbl1.forward(x))), maxPool3x3s2(x));
        }
    }

    /** Mixed_6b–6e: 1×1 | factorised 7×7 | twice factorised 7×7 | avg-pool→1×1; 768 channels. */
    static final class BlockC extends Module implements Layer {
        private final BasicConv2d b1x1;
        private final BasicConv2d[] b7x7;
        private final BasicConv2d[] bDbl;
        private final BasicConv2d bPool;
        private final boolean countIncludePad;

        BlockC(NDManager m, int in, int c7, boolean countIncludePad) {
            super(m);
            b1x1 = addChild("branch1x1", new BasicConv2d(m, in, 192));
            b7x7 = new BasicConv2d[]{
                    addChild("branch7x7_1", new BasicConv2d(m, in, c7)),
                    addChild("branch7x7_2", new BasicConv2d(m, c7, c7, 1, 7, 1, 0, 3)),
                    addChild("branch7x7_3", new BasicConv2d(m, c7, 192, 7, 1, 1, 3, 0))};
            bDbl = new BasicConv2d[]{
                    addChild("branch7x7dbl_1", new BasicConv2d(m, in, c7)),
                    addChild("branch7x7dbl_2", new BasicConv2d(m, c7, c7, 7, 1, 1, 3, 0)),
                    addChild("branch7x7dbl_3", new BasicConv2d(m, c7, c7, 1, 7, 1, 0, 3)),
                    addChild("branch7x7dbl_4", new BasicConv2d(m, c7, c7, 7, 1, 1, 3, 0)),
                    addChild("branch7x7dbl_5", new BasicConv2d(m, c7, 192, 1, 7, 1, 0, 3))};
            bPool = addChild("branch_pool", new BasicConv2d(m, in, 192));
            this.countIncludePad = countIncludePad;
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(b1x1.forward(x), chain(b7x7, x), chain(bDbl, x),
                    bPool.forward(pool3x3s1(x, false, countIncludePad)));
        }
    }

    /** Mixed_7a (grid reduction 17→8): 1×1→3×3/2 | 1×1→1×7→7×1→3×3/2 | max-pool/2; 1280 channels. */
    static final class BlockD extends Module implements Layer {
        private final BasicConv2d[] b3x3;
        private final BasicConv2d[] b7x7x3;

        BlockD(NDManager m, int in) {
            super(m);
            b3x3 = new BasicConv2d[]{
                    addChild("branch3x3_1", new BasicConv2d(m, in, 192)),
                    addChild("branch3x3_2", new BasicConv2d(m, 192, 320, 3, 3, 2, 0, 0))};
            b7x7x3 = new BasicConv2d[]{
                    addChild("branch7x7x3_1", new BasicConv2d(m, in, 192)),
                    addChild("branch7x7x3_2", new BasicConv2d(m, 192, 192, 1, 7, 1, 0, 3)),
                    addChild("branch7x7x3_3", new BasicConv2d(m, 192, 192, 7, 1, 1, 3, 0)),
                    addChild("branch7x7x3_4", new BasicConv2d(m, 192, 192, 3, 3, 2, 0, 0))};
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(chain(b3x3, x), chain(b7x7x3, x), maxPool3x3s2(x));
        }
    }

    /** Mixed_7b/7c: 1×1 | 1×1→(1×3, 3×1) | 1×1→3×3→(1×3, 3×1) | pool→1×1; 2048 channels. */
    static final class BlockE extends Module implements Layer {
        private final BasicConv2d b1x1;
        private final BasicConv2d b3x3;
        private final BasicConv2d b3x3a;
        private final BasicConv2d b3x3b;
        private final BasicConv2d bDbl1;
        private final BasicConv2d bDbl2;
        private final BasicConv2d bDbl3a;
        private final BasicConv2d bDbl3b;
        private final BasicConv2d bPool;
        private final boolean countIncludePad;
        private final boolean maxPool;

        BlockE(NDManager m, int in, boolean countIncludePad, boolean maxPool) {
            super(m);
            b1x1 = addChild("branch1x1", new BasicConv2d(m, in, 320));
            b3x3 = addChild("branch3x3_1", new BasicConv2d(m, in, 384));
            b3x3a = addChild("branch3x3_2a", new BasicConv2d(m, 384, 384, 1, 3, 1, 0, 1));
            b3x3b = addChild("branch3x3_2b", new BasicConv2d(m, 384, 384, 3, 1, 1, 1, 0));
            bDbl1 = addChild("branch3x3dbl_1", new BasicConv2d(m, in, 448));
            bDbl2 = addChild("branch3x3dbl_2", new BasicConv2d(m, 448, 384, 3, 3, 1, 1, 1));
            bDbl3a = addChild("branch3x3dbl_3a", new BasicConv2d(m, 384, 384, 1, 3, 1, 0, 1));
            bDbl3b = addChild("branch3x3dbl_3b", new BasicConv2d(m, 384, 384, 3, 1, 1, 1, 0));
            bPool = addChild("branch_pool", new BasicConv2d(m, in, 192));
            this.countIncludePad = countIncludePad;
            this.maxPool = maxPool;
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray t = b3x3.forward(x);
            NDArray d = bDbl2.forward(bDbl1.forward(x));
            return cat(b1x1.forward(x),
                    b3x3a.forward(t), b3x3b.forward(t),
                    bDbl3a.forward(d), bDbl3b.forward(d),
                    bPool.forward(pool3x3s1(x, maxPool, countIncludePad)));
        }
    }

    private static NDArray chain(BasicConv2d[] convs, NDArray x) {
        NDArray y = x;
        for (BasicConv2d c : convs) {
            y = c.forward(y);
        }
        return y;
    }
}
