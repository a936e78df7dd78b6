package org.fewgen.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.backbone.InceptionV3;

import java.io.IOException;

import java.util.function.UnaryOperator;

/**
 * Inception v3 pool3 features (2048 per image) for FID/KID, with each variant's input
 * convention:
 * <ul>
 *   <li>{@code fid}: bilinear resize with half-pixel centres (as pytorch-fid's
 *       {@code F.interpolate(..., align_corners=False)}), range [-1, 1];</li>
 *   <li>{@code imagenet}: the same (timm's and torchvision's transformed inputs are [-1, 1]);</li>
 *   <li>{@code nsfwjs}: bilinear resize with aligned corners and range [0, 1], exactly what
 *       nsfwjs feeds the network its upper blocks were fine-tuned under.</li>
 * </ul>
 */
public final class InceptionFeatures implements FeatureExtractor, AutoCloseable {

    /** pool3 feature dimension. */
    public static final int DIMENSION = 2048;

    private final InceptionWeights.Info weights;
    private final Device device;
    private final UnaryOperator<NDArray> pool3;
    private final NDManager owned;

    /**
     * @param weights the identified weights file the network was loaded from
     * @param device where the network's tensors live
     * @param pool3 the network's forward pass to pooled features: (N, 3, 299, 299) → (N, 2048)
     */
    public InceptionFeatures(InceptionWeights.Info weights, Device device, UnaryOperator<NDArray> pool3) {
        this.weights = weights;
        this.device = device;
        this.pool3 = pool3;
        this.owned = null;
    }

    private InceptionFeatures(InceptionWeights.Info weights, Device device, InceptionV3 network, NDManager owned) {
        this.weights = weights;
        this.device = device;
        this.pool3 = network::pool3;
        this.owned = owned;
    }

    /**
     * Loads the Inception v3 of an identified weights file onto {@code device}.
     *
     * @throws IOException naming the file when it cannot be read
     * @throws IllegalArgumentException naming the first missing or misshapen tensor
     */
    public static InceptionFeatures open(InceptionWeights.Info weights, Device device) throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            InceptionV3 net = InceptionV3.load(manager, weights.file(), variant(weights.kind()));
            return new InceptionFeatures(weights, device, net, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            String where = msg.contains(weights.file().toString()) ? "" : weights.file() + ": ";
            if (e instanceof IOException) {
                throw new IOException(where + msg, e);
            }
            throw new IllegalArgumentException(where + msg + " (as Inception v3 variant " + weights.kind().label() + ")", e);
        }
    }

    /** The network variant for a kind of weights file. */
    public static InceptionV3.Variant variant(InceptionWeights.Kind kind) {
        return InceptionV3.Variant.valueOf(kind.name());
    }

    /** The input range of a variant. */
    public static InceptionInput.Range range(InceptionWeights.Kind kind) {
        return kind == InceptionWeights.Kind.NSFWJS ? InceptionInput.Range.ZERO_TO_ONE : InceptionInput.Range.MINUS_ONE_TO_ONE;
    }

    /** Whether a variant's reference pipeline resizes with aligned corners. */
    public static boolean alignCorners(InceptionWeights.Kind kind) {
        return kind == InceptionWeights.Kind.NSFWJS;
    }

    /** The weights file in use. */
    public InceptionWeights.Info weights() {
        return weights;
    }

    /** Frees the network's tensors when this object loaded them. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public NDArray embed(NDArray images) {
        InceptionWeights.Kind kind = weights.kind();
        NDArray x = InceptionInput.prepare(images, device, range(kind), alignCorners(kind));
        NDArray f = pool3.apply(x);
        if (f.getShape().dimension() != 2 || f.getShape().get(1) != DIMENSION) {
            throw new IllegalStateException("Inception pool3 returned " + f.getShape() + ", expected (N, 2048)");
        }
        return f;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String id() {
        return weights.id();
    }

    @Override
    public String describe() {
        return weights.describe();
    }

    @Override
    public boolean standard() {
        return weights.standard();
    }
}
