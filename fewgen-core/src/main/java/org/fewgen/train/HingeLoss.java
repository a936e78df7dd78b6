package org.fewgen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The adversarial losses of Projected GAN (hinge for D, the non-saturating linear form for G), in
 * one place so that the trainer and the tests that pin their signs use the same expressions.
 *
 * <p>Each mean runs over every logit of a batch: the projected discriminator gives one logit per
 * patch and head, and the reference averages them all with equal weight.
 */
public final class HingeLoss {

    private HingeLoss() {
    }

    /** {@code mean(relu(1 − D(real))) + mean(relu(1 + D(fake)))}: D pushes reals above +1 and fakes below −1. */
    public static NDArray discriminator(NDArray realLogits, NDArray fakeLogits) {
        return Activation.relu(realLogits.neg().add(1f)).mean().add(Activation.relu(fakeLogits.add(1f)).mean());
    }

    /** {@code −mean(D(G(z)))}: G raises D's logits of its images. */
    public static NDArray generator(NDArray fakeLogits) {
        return fakeLogits.mean().neg();
    }
}
