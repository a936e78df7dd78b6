package org.fewgen.train;

import ai.djl.ndarray.NDManager;

/** Builds the generator and discriminator a {@link TrainConfig} describes. */
public interface NetworkFactory {

    /** A fresh generator (random weights) in {@code manager}; output in [-1, 1]. */
    Net generator(NDManager manager, TrainConfig config);

    /** A fresh discriminator (trainable heads, frozen feature network) in {@code manager}. */
    Net discriminator(NDManager manager, TrainConfig config);
}
