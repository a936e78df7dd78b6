package org.fewgen.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Small tensor utilities that DJL's API lacks or hides. */
public final class Tensors {

    private Tensors() {
    }

    /**
     * Overwrites {@code target} in place with the values of {@code source} (same shape; any
     * device or manager), without recording autograd history and without creating arrays that
     * outlive the call.
     */
    public static void copyInto(NDArray source, NDArray target) {
        if (!source.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("shape " + source.getShape() + " cannot be copied into "
                    + target.getShape());
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray src = source.toDevice(target.getDevice(), false).toType(target.getDataType(), false);
            // an in-place copy keeps target's storage, so references held elsewhere stay valid
            target.set(new NDIndex("..."), src);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Runs {@code body} with autograd recording switched off on this thread. */
    public static <T> T noGrad(java.util.function.Supplier<T> body) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * An array with {@code values} in memory that libtorch owns, on {@code device}. DJL's
     * {@code create} wraps a Java direct buffer without copying, and that buffer may be freed once
     * the Java handle is closed, even while autograd or a view still uses the tensor; arrays made
     * inside a forward pass (which {@link #scoped} closes early) must therefore be copies.
     */
    public static NDArray fromHost(NDManager manager, float[] values, Shape shape, Device device) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return ownedCopy(wrapped, device);
        }
    }

    /**
     * A 0-dim tensor holding {@code value} in {@code like}'s type and on its device, in memory that
     * libtorch owns. Arithmetic with a number where autograd records the op must use it instead of
     * DJL's {@code x.mul(0.5f)}: DJL wraps the number in a Java buffer and closes it at once, while
     * {@code mul}, {@code div}, {@code maximum} and {@code pow} keep it for backward, which then
     * reads freed memory after a garbage collection (measured: a gradient of 777 for {@code
     * d(0.5 x)/dx} once the freed buffer was reused; the test FreedHostMemory makes it certain).
     */
    public static NDArray scalar(NDArray like, double value) {
        try (NDArray wrapped = like.getManager().create(value)) {
            // a copying conversion is libtorch's memory already: one copy, then the device
            return wrapped.toType(like.getDataType(), true).toDevice(like.getDevice(), false);
        }
    }

    /** {@link #fromHost(NDManager, float[], Shape, Device)} for float64 values. */
    public static NDArray fromHost(NDManager manager, double[] values, Shape shape, Device device) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return ownedCopy(wrapped, device);
        }
    }

    /** {@link #fromHost(NDManager, float[], Shape, Device)} for int64 values. */
    public static NDArray fromHost(NDManager manager, long[] values, Shape shape, Device device) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return ownedCopy(wrapped, device);
        }
    }

    private static NDArray ownedCopy(NDArray wrapped, Device device) {
        return wrapped.getDevice().equals(device) ? wrapped.duplicate() : wrapped.toDevice(device, true);
    }

    /**
     * Runs {@code body} in a scope of its own and closes every array it created except its
     * result, which moves to the enclosing scope. Closing a Java handle only drops one reference to
     * the native tensor: what autograd saved for backward stays alive, everything else is freed at
     * once, as PyTorch frees a temporary when its last reference goes. Without this, every
     * intermediate of a forward pass lives until the training step's scope closes, which raises
     * peak memory and makes each step touch fresh memory instead of reusing warm blocks.
     */
    public static NDArray scoped(java.util.function.Supplier<NDArray> body) {
        return scopedAll(() -> new NDArray[] {body.get()})[0];
    }

    /** {@link #scoped(java.util.function.Supplier)} for a body that returns several arrays. */
    public static NDArray[] scopedAll(java.util.function.Supplier<NDArray[]> body) {
        NDArray[] out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = body.get();
            NDScope.unregister(out);
        }
        for (NDArray a : out) {
            NDScope.register(a);
        }
        return out;
    }

    /** Closes every array of {@code intermediates} that is not among {@code keep}. */
    public static void releaseAll(NDArray[] intermediates, NDArray... keep) {
        outer:
        for (NDArray a : intermediates) {
            for (NDArray k : keep) {
                if (a == k) {
                    continue outer;
                }
            }
            a.close();
        }
    }

    /**
     * Closes {@code intermediate} unless it is {@code keep} (a layer may return its input): the
     * last step of a chain of layers, where the array between two layers is needed by neither.
     */
    public static void release(NDArray intermediate, NDArray keep) {
        releaseAll(new NDArray[] {intermediate}, keep);
    }

    /** The value of a one-element tensor of any floating type, as a float. */
    public static float floatValue(NDArray scalar) {
        if (scalar.getDataType() == DataType.FLOAT32) {
            return scalar.getFloat();
        }
        try (NDArray f = scalar.toType(DataType.FLOAT32, false)) {
            return f.getFloat();
        }
    }

    /** {@code x} in {@code type}: {@code x} itself when it has that type already, else a converted copy. */
    public static NDArray as(NDArray x, DataType type) {
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    /** The PyTorch-engine array behind {@code x}, for calls into {@link JniUtils}. */
    public static PtNDArray pt(NDArray x) {
        return (PtNDArray) x;
    }
}
