package org.fewgen.data;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Training batches from an {@link ImageSet}, as (N, 3, R, R) floats in [-1, 1].
 *
 * <p>Batch number {@code step} is a pure function of (set, batch size, xflip, seed, step): the
 * images are drawn epoch by epoch, each epoch a fresh seeded permutation of the whole set, and
 * sample {@code k = step·batch + j} is image {@code perm_(k / N)[k mod N]}. So every image is
 * seen once per epoch, and a training run resumed at step S gets exactly the batches the
 * uninterrupted run would have got. With {@code xflip}, sample k is mirrored left-right with
 * probability 1/2, decided by a hash of (seed, k).
 *
 * <p>Batches are built on a background thread: asking for step S returns it (waiting only if it
 * is not ready yet) and queues S+1..S+{@value #PREFETCH}, so a caller that asks for consecutive
 * steps finds them ready. Use from one thread; close to stop the background thread.
 */
public final class BatchLoader implements AutoCloseable {

    /** Steps prepared ahead of the one asked for. */
    static final int PREFETCH = 3;

    private final ImageSet set;
    private final int batch;
    private final boolean xflip;
    private final long seed;
    private final ExecutorService worker;
    private final Map<Long, Future<float[]>> pending = new ConcurrentHashMap<>();
    /** The last epoch's permutation, shared by the caller and the worker thread. */
    private volatile EpochOrder lastOrder;
    private boolean closed;

    /**
     * @param set the images (at least one)
     * @param batch images per batch, at least 1
     * @param xflip mirror each sample with probability 1/2
     * @param seed fixes the order and the mirroring
     */
    public BatchLoader(ImageSet set, int batch, boolean xflip, long seed) {
        if (set.size() < 1) {
            throw new IllegalArgumentException("cannot draw batches from an empty image set");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        this.set = set;
        this.batch = batch;
        this.xflip = xflip;
        this.seed = seed;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fewgen-batches");
            t.setDaemon(true);
            return t;
        });
    }

    public int batchSize() {
        return batch;
    }

    public ImageSet imageSet() {
        return set;
    }

    /** Floats per batch: batch·3·R·R. */
    public int batchFloats() {
        return batch * set.imageBytes();
    }

    /**
     * Batch number {@code step} (from 0): (batch, 3, R, R) floats in [-1, 1], a new array owned by
     * the caller.
     */
    public float[] batch(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (closed) {
            throw new IllegalStateException("BatchLoader is closed");
        }
        Future<float[]> f = pending.remove(step);
        // Steps behind the one asked for will not be asked for again: drop them.
        pending.keySet().removeIf(s -> {
            if (s < step || s > step + PREFETCH) {
                Future<float[]> old = pending.get(s);
                if (old != null) {
                    old.cancel(false);
                }
                return true;
            }
            return false;
        });
        for (long s = step + 1; s <= step + PREFETCH; s++) {
            long next = s;
            try {
                pending.computeIfAbsent(next, k -> worker.submit(() -> build(next)));
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        if (f == null) {
            return build(step);
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + step, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("building batch " + step + " failed: " + c, c);
        } catch (java.util.concurrent.CancellationException e) {
            return build(step);
        }
    }

    /**
     * The index into the image set of sample {@code k} (k = step·batch + j), and whether it is
     * mirrored (sign bit: {@code ~index} when mirrored).
     */
    long sample(long k) {
        int n = set.size();
        long epoch = k / n;
        int[] perm = permutation(epoch);
        int index = perm[(int) (k % n)];
        boolean flip = xflip && (ProceduralShapes.mix(seed ^ 0x5DEECE66DL, k) & 1L) == 1L;
        return flip ? ~index : index;
    }

    private int[] permutation(long epoch) {
        EpochOrder last = lastOrder;
        if (last != null && last.epoch == epoch) {
            return last.permutation;
        }
        int n = set.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(ProceduralShapes.mix(seed, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        lastOrder = new EpochOrder(epoch, perm);
        return perm;
    }

    private record EpochOrder(long epoch, int[] permutation) {
    }

    float[] build(long step) {
        int r = set.resolution();
        int per = set.imageBytes();
        byte[] px = set.pixels();
        float[] out = new float[batch * per];
        for (int j = 0; j < batch; j++) {
            long s = sample(step * batch + j);
            boolean flip = s < 0;
            int index = (int) (flip ? ~s : s);
            int src = index * per;
            int dst = j * per;
            if (!flip) {
                for (int p = 0; p < per; p++) {
                    out[dst + p] = (px[src + p] & 0xff) / 127.5f - 1f;
                }
            } else {
                for (int row = 0; row < 3 * r; row++) {
                    int rs = src + row * r;
                    int rd = dst + row * r;
                    for (int x = 0; x < r; x++) {
                        out[rd + x] = (px[rs + r - 1 - x] & 0xff) / 127.5f - 1f;
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        pending.values().forEach(f -> f.cancel(false));
        pending.clear();
        worker.shutdownNow();
    }
}
