package org.fewgen.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Waits until a GPU has finished the work queued so far, so a clock read after it measures that
 * work. DJL exposes no {@code cuda.synchronize}; copying one value from the device to the host
 * waits for the stream it was queued on (libtorch's current stream, where fewgen queues all its
 * work). On the CPU libtorch ops complete before they return, so nothing is needed.
 */
final class DeviceSync {

    private DeviceSync() {
    }

    static void sync(NDManager manager) {
        Device d = manager.getDevice();
        if (!d.isGpu()) {
            return;
        }
        try (NDArray one = manager.zeros(new ai.djl.ndarray.types.Shape(1))) {
            one.toFloatArray();
        }
    }
}
