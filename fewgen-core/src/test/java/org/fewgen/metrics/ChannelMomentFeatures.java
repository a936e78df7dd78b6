package org.fewgen.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Test double for the Inception network: 6 features per image, the mean and mean square of
 * each RGB channel in [0, 1]. Cheap, deterministic, and sensitive to brightness changes.
 */
final class ChannelMomentFeatures implements FeatureExtractor {

    int imagesEmbedded;

    @Override
    public NDArray embed(NDArray images) {
        imagesEmbedded += (int) images.getShape().get(0);
        NDArray x = images.getDataType() == DataType.UINT8
                ? images.toType(DataType.FLOAT32, false).div(255f)
                : images.toType(DataType.FLOAT32, false).add(1f).mul(0.5f);
        NDArray mean = x.mean(new int[] {3}).mean(new int[] {2});
        NDArray meanSq = x.square().mean(new int[] {3}).mean(new int[] {2});
        return NDArrays.concat(new ai.djl.ndarray.NDList(mean, meanSq), 1);
    }

    @Override
    public int dimension() {
        return 6;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public String id() {
        return "test/channel-moments";
    }

    @Override
    public String describe() {
        return "channel moments (test double)";
    }

    @Override
    public boolean standard() {
        return false;
    }
}
