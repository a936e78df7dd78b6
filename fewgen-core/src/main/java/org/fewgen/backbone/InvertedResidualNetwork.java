package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.fewgen.nn.BatchNorm2d;
import org.fewgen.nn.Conv2d.Padding;
import org.fewgen.nn.Layer;
import org.fewgen.nn.Sequential;
import org.fewgen.nn.Tensors;

import java.util.List;
import java.util.Map;

/**
 * The network family of MobileNetV2 and EfficientNet-lite, laid out as timm's
 * {@code EfficientNet} class: {@code conv_stem, bn1, blocks.<stage>.<block>, conv_head, bn2}.
 *
 * <p>The four feature stages follow the Projected GAN reference: stem + blocks 0–1 (stride 4),
 * blocks 2 (stride 8), blocks 3–4 (stride 16), blocks 5–6 (stride 32). {@code conv_head} and
 * {@code bn2} are not part of any stage; they exist so that a timm file loads as a whole and so
 * that the pooled feature of the original network can be checked.
 *
 * <p>The forward passes create nothing in the model's manager beyond their results, which
 * belong to the input's manager (or the enclosing {@link NDScope}).
 */
public abstract class InvertedResidualNetwork extends FeatureNetwork {

    /** One row of timm's architecture table: {@code repeats} blocks, the first one with {@code stride}. */
    protected record BlockStage(boolean depthwiseSeparable, int repeats, int kernel, int stride, int expansion,
                                int channels) {
    }

    /** Index of the last block-stage of each feature stage (strides 4, 8, 16, 32). */
    private static final int[] STAGE_ENDS = {1, 2, 4, 6};

    private final InvertedResidualBlocks.ConvBn stem;
    private final Sequential blocks;
    private final InvertedResidualBlocks.ConvBn head;
    private final int[] stageChannels = new int[4];
    private final int headChannels;
    private final Padding padding;
    private NsfwHead classifier;
    private boolean folded;

    /**
     * @param manager owner of the tensors
     * @param stemChannels output channels of the stride-2 stem conv
     * @param table the block stages, seven of them
     * @param headChannels output channels of {@code conv_head}
     * @param bnEps batch-norm epsilon the weights were made for
     * @param padding {@link Padding#SAME_TF} for TensorFlow-trained weights, else symmetric
     */
    protected InvertedResidualNetwork(NDManager manager, int stemChannels, List<BlockStage> table, int headChannels,
                                      double bnEps, Padding padding) {
        super(manager);
        if (table.size() != 7) {
            throw new IllegalArgumentException("expected 7 block stages, got " + table.size());
        }
        this.padding = padding;
        this.headChannels = headChannels;
        stem = new InvertedResidualBlocks.ConvBn(
                addChild("conv_stem", InvertedResidualBlocks.conv(manager, 3, stemChannels, 3, 2, 1, padding)),
                addChild("bn1", new BatchNorm2d(manager, stemChannels, bnEps, 0.1)), 2, 1, padding);
        blocks = addChild("blocks", new Sequential(manager));
        int in = stemChannels;
        int feature = 0;
        for (int s = 0; s < table.size(); s++) {
            BlockStage st = table.get(s);
            Sequential stage = new Sequential(manager);
            for (int i = 0; i < st.repeats(); i++) {
                int stride = i == 0 ? st.stride() : 1;
                stage.add(st.depthwiseSeparable()
                        ? new InvertedResidualBlocks.DepthwiseSeparable(manager, in, st.channels(), st.kernel(), stride,
                        bnEps, padding)
                        : new InvertedResidualBlocks.InvertedResidual(manager, in, st.channels(), st.kernel(), stride,
                        st.expansion(), bnEps, padding));
                in = st.channels();
            }
            blocks.add(stage);
            if (feature < 4 && s == STAGE_ENDS[feature]) {
                stageChannels[feature++] = in;
            }
        }
        head = new InvertedResidualBlocks.ConvBn(
                addChild("conv_head", InvertedResidualBlocks.conv(manager, in, headChannels, 1, 1, 1, padding)),
                addChild("bn2", new BatchNorm2d(manager, headChannels, bnEps, 0.1)), 1, 1, padding);
    }

    /**
     * Runs the stem and all blocks, keeping the four stage ends.
     *
     * @param x images {@code (N, 3, H, W)}, in the range the weights expect (see the subclass)
     * @return {@code (N, C_i, H/s, W/s)} for strides s = 4, 8, 16, 32 and C_i = {@link #stageChannels()}
     */
    @Override
    public NDArray[] stages(NDArray x) {
        NDArray[] out = new NDArray[4];
        NDArray y = Tensors.scoped(() -> InvertedResidualBlocks.relu6(stem.forward(x, isTraining())));
        int feature = 0;
        for (int s = 0; s < blocks.size(); s++) {
            NDArray in = y;
            Layer stage = blocks.get(s);
            y = Tensors.scoped(() -> stage.forward(in));
            // free the map between two blocks once used, unless it is one of the four stage outputs
            if (feature == 0 || in != out[feature - 1]) {
                Tensors.release(in, y);
            }
            if (feature < 4 && s == STAGE_ENDS[feature]) {
                out[feature++] = y;
            }
        }
        return out;
    }

    @Override
    public int[] stageChannels() {
        return stageChannels.clone();
    }

    /**
     * {@code conv_head}, {@code bn2} and ReLU6 on the last stage: the feature map timm's
     * {@code forward_features} returns.
     *
     * @param last the stride-32 stage {@code (N, 320, h, w)}
     * @return {@code (N, headChannels, h, w)}
     */
    public NDArray headFeatures(NDArray last) {
        return InvertedResidualBlocks.relu6(head.forward(last, isTraining()));
    }

    /**
     * The globally average-pooled head feature of images.
     *
     * @param x images {@code (N, 3, H, W)}
     * @return {@code (N, headChannels)}
     */
    public NDArray pooledFeature(NDArray x) {
        return globalAverage(headFeatures(stages(x)[3]));
    }

    /**
     * Runs every conv + batch-norm pair as one convolution in eval mode (see
     * {@link InvertedResidualBlocks.ConvBn}), or goes back to separate ops. The results agree to
     * float rounding. The folded weights follow {@link #loadStateDict} and
     * {@link #initialiseRandomly}; after changing weights in place any other way, call this again.
     */
    public void foldBatchNorm(boolean on) {
        folded = on;
        for (InvertedResidualBlocks.ConvBn pair : new InvertedResidualBlocks.ConvBn[]{stem, head}) {
            if (on) {
                pair.fold();
            } else {
                pair.unfold();
            }
        }
        for (int s = 0; s < blocks.size(); s++) {
            Sequential stage = (Sequential) blocks.get(s);
            for (int i = 0; i < stage.size(); i++) {
                ((InvertedResidualBlocks.Foldable) stage.get(i)).fold(on);
            }
        }
    }

    /** Whether {@link #foldBatchNorm} is on. */
    public boolean isBatchNormFolded() {
        return folded;
    }

    @Override
    public void loadStateDict(Map<String, NDArray> source, boolean strict, String origin) {
        super.loadStateDict(source, strict, origin);
        if (folded) {
            foldBatchNorm(true);
        }
    }

    /** Width of the pooled feature (1280). */
    public int headChannels() {
        return headChannels;
    }

    /** The padding mode of the strided convolutions. */
    public Padding padding() {
        return padding;
    }

    /** Whether a weight file brought the nsfwjs classifier ({@code classifier.0/3/6}). */
    public boolean hasClassifier() {
        return classifier != null;
    }

    /**
     * Class probabilities of the nsfwjs head.
     *
     * @param pooled {@code (N, headChannels)} from {@link #pooledFeature}
     * @return {@code (N, 5)} in the order of {@link NsfwHead#CLASSES}
     * @throws IllegalStateException when no classifier was loaded
     */
    public NDArray classProbabilities(NDArray pooled) {
        if (classifier == null) {
            throw new IllegalStateException(name() + ": no classifier was loaded (the weights file has no classifier.0/3/6)");
        }
        return classifier.probabilities(pooled);
    }

    /** Attaches the nsfwjs classifier loaded from {@code tensors} (names relative to {@code classifier.}). */
    void attachClassifier(Map<String, NDArray> tensors, String origin) {
        NsfwHead head = new NsfwHead(manager, headChannels);
        head.loadStateDict(tensors, true, origin + " (classifier.*)");
        if (classifier != null) {
            classifier.namedParameters().values().forEach(NDArray::close);
        }
        classifier = head;
    }

    /**
     * Draws random weights the way timm initialises this family: conv weights from
     * N(0, 2 / fan_out) with fan_out = k·k·C_out / groups, batch-norm at identity. PyTorch's
     * default conv init would shrink activations layer after layer, and these frozen networks
     * never retrain their batch-norm statistics, so a randomly initialised backbone would give
     * features near zero at depth.
     */
    public void initialiseRandomly() {
        Tensors.noGrad(() -> {
            for (Map.Entry<String, NDArray> e : stateDict().entrySet()) {
                NDArray w = e.getValue();
                if (w.getShape().dimension() != 4) {
                    continue;
                }
                long out = w.getShape().get(0);
                long k = w.getShape().get(2) * w.getShape().get(3);
                boolean depthwise = w.getShape().get(1) == 1 && k > 1;
                long fanOut = depthwise ? k : k * out;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    Tensors.copyInto(manager.randomNormal(0f, (float) Math.sqrt(2.0 / fanOut), w.getShape(),
                            w.getDataType()), w);
                }
            }
            return null;
        });
        if (folded) {
            foldBatchNorm(true);
        }
    }
}
