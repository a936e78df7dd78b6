package org.fewgen.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.backbone.FeatureNetwork;
import org.fewgen.nn.Activations;
import org.fewgen.nn.BatchNorm2d;
import org.fewgen.nn.Conv2d;
import org.fewgen.nn.Sequential;

/** A small random stand-in for a pretrained backbone: strided convs giving strides 4/8/16/32. */
final class TinyFeatureNetwork extends FeatureNetwork {

    static final int[] CHANNELS = {8, 12, 16, 24};
    private final Sequential[] stages = new Sequential[4];

    TinyFeatureNetwork(NDManager m) {
        super(m);
        stages[0] = addChild("stem", new Sequential(m).add(new Conv2d(m, 3, CHANNELS[0], 4, 4, 0, 1, false))
                .add(new BatchNorm2d(m, CHANNELS[0])).add(Activations.LEAKY_RELU_02));
        for (int k = 1; k < 4; k++) {
            stages[k] = addChild("blocks" + k, new Sequential(m).add(new Conv2d(m, CHANNELS[k - 1], CHANNELS[k], 3, 2, 1, 1, true))
                    .add(Activations.LEAKY_RELU_02));
        }
    }

    @Override
    public NDArray[] stages(NDArray x) {
        NDArray[] out = new NDArray[4];
        NDArray y = x;
        for (int k = 0; k < 4; k++) {
            y = stages[k].forward(y);
            out[k] = y;
        }
        return out;
    }

    @Override
    public int[] stageChannels() {
        return CHANNELS.clone();
    }

    @Override
    public String name() {
        return "tiny";
    }
}
