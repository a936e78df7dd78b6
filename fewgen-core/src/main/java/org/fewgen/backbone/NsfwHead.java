package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Linear;
import org.fewgen.nn.Tensors;
import org.fewgen.nn.Sequential;

/**
 * The 5-class head that nsfwjs put on its backbones (classes {@link #CLASSES}), stored as a
 * PyTorch {@code nn.Sequential}: {@code 0} Linear(F, 256), ReLU, Dropout(0.5), {@code 3}
 * Linear(256, 128), ReLU, Dropout(0.25), {@code 6} Linear(128, 5). It is not an ImageNet head:
 * fewgen only uses it to check that a converted backbone reproduces the original network's
 * outputs. Eval-only, so the dropouts are identities.
 */
public final class NsfwHead extends Sequential {

    /** Class order of the probabilities. */
    public static final String[] CLASSES = {"Drawing", "Hentai", "Neutral", "Porn", "Sexy"};

    /**
     * @param manager owner of the tensors
     * @param features width of the pooled feature it reads (1280 for MobileNetV2, 2048 for Inception)
     */
    public NsfwHead(NDManager manager, int features) {
        super(manager);
        add(new Linear(manager, features, 256, true));
        add(x -> JniUtils.relu(Tensors.pt(x)));
        add(x -> x);
        add(new Linear(manager, 256, 128, true));
        add(x -> JniUtils.relu(Tensors.pt(x)));
        add(x -> x);
        add(new Linear(manager, 128, CLASSES.length, true));
        setTrainable(false);
        setAlwaysEval(true);
    }

    /**
     * @param pooled globally pooled features {@code (N, F)}
     * @return class probabilities {@code (N, 5)}, rows summing to 1
     */
    public NDArray probabilities(NDArray pooled) {
        return forward(pooled).softmax(1);
    }
}
