package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
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

    /** The PyTorch-engine array behind {@code x}, for calls into {@link JniUtils}. */
    public static PtNDArray pt(NDArray x) {
        return (PtNDArray) x;
    }
}
