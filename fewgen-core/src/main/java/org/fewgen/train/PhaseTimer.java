package org.fewgen.train;

/**
 * Receives the end of each {@link Phase} of a step, so that a benchmark can see where the time
 * goes. The trainer calls {@link #stepStarted()} and then {@link #phaseEnded} after each phase on
 * the training thread. On a GPU the implementation must synchronise the device before reading
 * the clock (work is queued asynchronously); on the CPU libtorch ops finish before they return.
 */
public interface PhaseTimer {

    void stepStarted();

    void phaseEnded(Phase phase);
}
