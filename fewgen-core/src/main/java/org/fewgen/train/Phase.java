package org.fewgen.train;

/** The parts of one training step, in the order they run, for {@link PhaseTimer}. */
public enum Phase {
    /** Real batch to the device and fresh latents. */
    DATA,
    /** G phase: {@code D(G(z))} with D's heads frozen. */
    G_FORWARD,
    /** G phase: backward of {@code -mean(D(G(z)))}. */
    G_BACKWARD,
    /** Adam update of G (and the finiteness check of its loss). */
    G_OPTIMIZER,
    /** D phase: fakes from a fresh z without gradients, then {@code D(fake)}. */
    D_FORWARD_FAKE,
    /** D phase: {@code D(real)}. */
    D_FORWARD_REAL,
    /** D phase: backward of the hinge loss. */
    D_BACKWARD,
    /** Adam update of D (and the finiteness check of its loss). */
    D_OPTIMIZER,
    /** EMA generator update. */
    EMA
}
