package org.fewgen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.gan.ConvKind;
import org.fewgen.nn.BatchNorm2d;
import org.fewgen.nn.Conv2d;
import org.fewgen.nn.Linear;
import org.fewgen.nn.Module;

import java.util.Random;

/**
 * Stand-ins with the same contract as FastGAN and the projected discriminator, small enough for
 * hundreds of steps in a test: G = linear → batch norm → tanh; D = random jitter (uses the engine
 * RNG like DiffAugment), a frozen eval-pinned conv "feature network", a trainable head with a
 * batch norm (so D has buffers too).
 */
final class TinyGan implements NetworkFactory {

    /**
     * A tiny run's config: 64² (the smallest side a {@link TrainConfig} accepts, as FastGAN's), batch
     * 4, z 8; ngf 8 is recorded but these networks do not use it.
     */
    static TrainConfig.Builder config(java.nio.file.Path out) {
        return TrainConfig.builder().data("tiny").out(out.toString()).resolution(64).batch(4).ngf(8).zDim(8)
                .kimg(0.032).snapKimg(0.016).logEvery(2).seed(7).device("cpu");
    }

    static final class Generator extends Module {
        private final Linear fc;
        private final BatchNorm2d bn;
        private final int res;

        Generator(NDManager m, TrainConfig c) {
            super(m);
            res = c.generator().resolution();
            fc = addChild("fc", new Linear(m, c.generator().zDim(), 3 * res * res, true));
            bn = addChild("bn", new BatchNorm2d(m, 3));
        }

        NDArray forward(NDArray z) {
            NDArray x = fc.forward(z).reshape(new Shape(z.getShape().get(0), 3, res, res));
            return bn.forward(x).tanh();
        }
    }

    static final class Discriminator extends Module {
        private final Conv2d features;
        private final Conv2d head;
        private final BatchNorm2d headNorm;
        private final Linear out;

        Discriminator(NDManager m, TrainConfig c) {
            super(m);
            features = addChild("features", new Conv2d(m, 3, 4, 3, 1, 1, 1, false));
            features.setTrainable(false);
            features.setAlwaysEval(true);
            head = addChild("head", new Conv2d(m, 4, 4, 3, 2, 1, 1, true));
            headNorm = addChild("head_norm", new BatchNorm2d(m, 4));
            int r = c.generator().resolution() / 2;
            out = addChild("out", new Linear(m, 4 * r * r, 2, true));
        }

        NDArray forward(NDArray images) {
            NDArray jittered = images.add(images.getManager().randomNormal(images.getShape()).mul(0.05f));
            NDArray f = features.forward(jittered);
            NDArray h = headNorm.forward(head.forward(f));
            h = h.maximum(h.mul(0.2f));
            return out.forward(h.reshape(new Shape(h.getShape().get(0), -1)));
        }
    }

    @Override
    public Net generator(NDManager manager, TrainConfig config) {
        Generator g = new Generator(manager, config);
        return new Net(g, g::forward);
    }

    @Override
    public Net discriminator(NDManager manager, TrainConfig config) {
        Discriminator d = new Discriminator(manager, config);
        return new Net(d, d::forward);
    }

    /** Deterministic per-step batches of blobs: a pure function of (seed, step). */
    static final class Data implements TrainingData {
        private final int res;
        private final int batch;

        Data(TrainConfig c) {
            res = c.generator().resolution();
            batch = c.run().batch();
        }

        @Override public int resolution() { return res; }
        @Override public int size() { return 16; }
        @Override public String fingerprint() { return "tiny-blobs"; }

        private float[] images(long seed, int n) {
            Random r = new Random(seed);
            float[] px = new float[n * 3 * res * res];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) Math.tanh(r.nextGaussian());
            }
            return px;
        }

        @Override public float[] batch(long step) { return images(1000 + step, batch); }
        @Override public float[] firstImages(int n) { return images(1, n); }
    }
}
