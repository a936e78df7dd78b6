package org.fewgen.nn;

import ai.djl.ndarray.NDArray;

/** A module with one input and one output, so that it can sit in a {@link Sequential}. */
public interface Layer {

    /**
     * Runs the layer. Results belong to the manager of {@code x} or to the enclosing
     * {@link ai.djl.ndarray.NDScope}; the layer creates nothing long-lived.
     */
    NDArray forward(NDArray x);
}
