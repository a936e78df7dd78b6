package org.fewgen.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.backbone.Backbones;
import org.fewgen.backbone.FeatureNetwork;
import org.fewgen.backbone.InvertedResidualNetwork;
import org.fewgen.backbone.MobileNetV2;
import org.fewgen.backbone.PretrainedWeights;

/**
 * The bundled nsfwjs MobileNetV2's 1280-d pooled features, for a Fréchet distance that needs no
 * weights beyond the jar (the Inception file is not bundled). Images go in as nsfwjs feeds them:
 * range [0, 1], bilinear with aligned corners to 224². It is the network the projected
 * discriminator looks through, so G is trained to match exactly these features: the distance
 * falls faster and further than an Inception FID and must be read as a check that training
 * moved the right way, not as image quality.
 */
public final class MobileNetV2Features implements FeatureExtractor, AutoCloseable {

    static final int SIZE = 224;
    private final NDManager manager;
    private final InvertedResidualNetwork net;
    private final Device device;

    public MobileNetV2Features(Device device) {
        this.device = device;
        this.manager = NDManager.newBaseManager(device);
        FeatureNetwork f = Backbones.create(MobileNetV2.NAME, manager, null);
        this.net = (InvertedResidualNetwork) f;
        net.setTrainable(false);
        net.train(false);
    }

    @Override
    public NDArray embed(NDArray images) {
        NDArray x = InceptionInput.prepare(images, device, InceptionInput.Range.ZERO_TO_ONE, true, SIZE);
        return net.pooledFeature(x);
    }

    @Override
    public int dimension() {
        return 1280;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String id() {
        return "mobilenetv2_100/nsfwjs/sha256:" + PretrainedWeights.MOBILENETV2_SHA256;
    }

    @Override
    public String describe() {
        return "bundled MobileNetV2 (nsfwjs, the discriminator's own feature network; not an FID)";
    }

    @Override
    public boolean standard() {
        return false;
    }

    @Override
    public void close() {
        manager.close();
    }
}
