package org.fewgen.bench;

import ai.djl.ndarray.NDManager;
import org.fewgen.train.MemoryStats;
import org.fewgen.train.Phase;
import org.fewgen.train.PhaseTimer;

import java.util.EnumMap;
import java.util.Map;

/**
 * Sums the time of each {@link Phase} over the steps it is enabled for, and lets the memory
 * probe sample after every phase (on a GPU the peak is sampled, so sampling inside the step
 * sees the activations that the step frees before it ends). On a GPU each boundary waits for
 * the device, which makes the phases honest at the cost of some overlap the pipeline would have.
 */
final class PhaseClock implements PhaseTimer {

    private final NDManager syncManager;
    private final MemoryStats memory;
    private final Map<Phase, Long> totalNanos = new EnumMap<>(Phase.class);
    private final Map<Phase, Integer> counts = new EnumMap<>(Phase.class);
    private boolean recording;
    private long last;

    PhaseClock(NDManager syncManager, MemoryStats memory) {
        this.syncManager = syncManager;
        this.memory = memory;
    }

    /** Whether the coming steps count towards the phase means (false during warm-up). */
    void setRecording(boolean on) {
        recording = on;
    }

    @Override
    public void stepStarted() {
        DeviceSync.sync(syncManager);
        last = System.nanoTime();
    }

    @Override
    public void phaseEnded(Phase phase) {
        DeviceSync.sync(syncManager);
        long now = System.nanoTime();
        if (recording) {
            totalNanos.merge(phase, now - last, Long::sum);
            counts.merge(phase, 1, Integer::sum);
        }
        memory.sample();
        // the probe's read is not part of the next phase
        last = System.nanoTime();
    }

    /** Mean milliseconds of each phase over the recorded steps (phases never seen are absent). */
    Map<Phase, Double> meanMillis() {
        Map<Phase, Double> out = new EnumMap<>(Phase.class);
        totalNanos.forEach((p, ns) -> out.put(p, ns / 1e6 / counts.get(p)));
        return out;
    }
}
