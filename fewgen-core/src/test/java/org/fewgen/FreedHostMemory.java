package org.fewgen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes Java memory that nothing references any more hold garbage. DJL's {@code create} (and its
 * scalar arithmetic, {@code x.mul(0.5f)}) hand libtorch a Java direct buffer without copying; once
 * the Java handle is closed, the buffer is freed at the next garbage collection while autograd may
 * still read it in backward. Calling {@link #reuse()} between a forward pass and its backward turns
 * such a dangling read from a rare, timing-dependent error into a certain one.
 */
public final class FreedHostMemory {

    /** What the reused memory holds: NaN read as float and as double. */
    private static final int GARBAGE = 0x7fc00000;

    private FreedHostMemory() {
    }

    /**
     * Collects garbage, waits for the freed direct buffers to be returned to the allocator, then
     * allocates buffers of every small size filled with NaN, so that freed blocks are reused at once.
     */
    public static void reuse() {
        List<ByteBuffer> held = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                // the Cleaner thread frees the buffers after the collection
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for freed buffers", e);
            }
            for (int bytes = 4; bytes <= 1 << 16; bytes += bytes < 64 ? 4 : bytes / 2) {
                for (int k = 0; k < 8; k++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
                    while (b.remaining() >= 4) {
                        b.putInt(GARBAGE);
                    }
                    held.add(b);
                }
            }
        }
        if (held.isEmpty()) {
            throw new IllegalStateException("no buffers allocated");
        }
    }
}
