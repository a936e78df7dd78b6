package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Spectral normalisation (Miyato et al. 2018, https://arxiv.org/abs/1802.05957): a weight is
 * used as {@code W / σ(W)}, where σ is the largest singular value of W seen as a matrix
 * {@code (rows, cols)}, estimated by power iteration with persisted vectors {@code u (rows)} and
 * {@code v (cols)}, as PyTorch's {@code torch.nn.utils.spectral_norm} (one iteration per
 * training forward, none in eval mode, eps 1e-12).
 *
 * <p>Training forward: {@code v ← normalize(Wᵀu)} (no grad), {@code t = W v} (with grad),
 * {@code u ← normalize(t)} (no grad), {@code σ = u·t}. This gives PyTorch's σ = uᵀWv and its
 * gradient while reading W twice instead of three times, because PyTorch's extra {@code W v}
 * without grad is the same product as {@code t}.
 */
final class SpectralNorm {

    static final double EPS = 1e-12;

    private SpectralNorm() {
    }

    /** How the weight tensor is read as the matrix whose top singular value is estimated. */
    enum Layout {
        /** {@code (out, in, kH, kW)} read as {@code (out, in·kH·kW)}: PyTorch's dim=0 (convolution). */
        ROWS_FIRST,
        /** {@code (in, out, kH, kW)} read as {@code (out, in·kH·kW)}: PyTorch's dim=1 (transposed convolution). */
        ROWS_SECOND
    }

    static long rows(Shape w, Layout layout) {
        return layout == Layout.ROWS_FIRST ? w.get(0) : w.get(1);
    }

    static long cols(Shape w, Layout layout) {
        return w.size() / rows(w, layout);
    }

    /**
     * Computes σ and, when {@code update}, advances the power iteration by one step, writing the
     * new vectors into the buffers {@code u} and {@code v} in place.
     *
     * @return σ, a scalar that carries the gradient with respect to {@code weight}
     */
    static NDArray sigma(NDArray weight, NDArray u, NDArray v, Layout layout, boolean update) {
        if (!update) {
            return u.dot(matTimesVector(weight, v, layout));
        }
        boolean grad = JniUtils.isGradMode();
        NDArray newV;
        JniUtils.setGradMode(false);
        try {
            newV = normalize(vectorTimesMat(u, weight, layout));
        } finally {
            JniUtils.setGradMode(grad);
        }
        NDArray wv = matTimesVector(weight, newV, layout);
        NDArray newU;
        JniUtils.setGradMode(false);
        try {
            newU = normalize(wv.stopGradient());
            // in-place: the buffers keep their storage (checkpoints and other holders stay valid);
            // σ below uses newU/newV, not the buffers, so autograd never sees these writes
            u.set(new NDIndex("..."), newU);
            v.set(new NDIndex("..."), newV);
        } finally {
            JniUtils.setGradMode(grad);
        }
        return newU.dot(wv);
    }

    /** {@code W v} for the matrix view of {@code weight}: a vector of length rows. */
    private static NDArray matTimesVector(NDArray weight, NDArray v, Layout layout) {
        Shape s = weight.getShape();
        long rows = rows(s, layout);
        if (layout == Layout.ROWS_FIRST) {
            return weight.reshape(rows, -1).matMul(v);
        }
        // weight (in, out, k·k) as a batch over in: Σ_i W[i] v[i]; no permuted copy of W
        long in = s.get(0);
        long kk = s.size() / (in * rows);
        return weight.reshape(in, rows, kk).matMul(v.reshape(in, kk, 1)).sum(new int[] {0}).reshape(rows);
    }

    /** {@code Wᵀ u} for the matrix view of {@code weight}: a vector of length cols. */
    private static NDArray vectorTimesMat(NDArray u, NDArray weight, Layout layout) {
        Shape s = weight.getShape();
        long rows = rows(s, layout);
        if (layout == Layout.ROWS_FIRST) {
            return u.matMul(weight.reshape(rows, -1));
        }
        long in = s.get(0);
        long kk = s.size() / (in * rows);
        return u.reshape(1, rows).matMul(weight.reshape(in, rows, kk)).reshape(in * kk);
    }

    private static NDArray normalize(NDArray x) {
        return JniUtils.normalize(Tensors.pt(x), 2, 0, EPS);
    }
}
