package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.fewgen.nn.Tensors;

import java.util.Random;

/**
 * LASSO recovery: {@code x̂ = Ψᵀ ĉ}, {@code ĉ = argmin ½‖y − A Ψᵀ c‖² + λ‖c‖₁}, with A a fixed
 * random Gaussian matrix (entries N(0, 1/m)) and Ψ the pixel basis (identity) or the 2-D DCT.
 * Solved by FISTA (Beck &amp; Teboulle 2009) batched over images: the objective summed over the
 * batch is tracked and the iterations stop once its relative change falls below {@code tol}, or
 * at {@code maxIterations} (reported through {@link #lastIterations()} / {@link #lastHitCap()}).
 * The result is clipped to [0, 1].
 */
public final class Lasso implements Recovery {

    /** The sparsity basis Ψ. */
    public enum Basis {
        PIXEL, DCT
    }

    /** Result of one FISTA solve: coefficients (N, n), iterations used and whether the cap stopped it. */
    public record Solution(float[] coefficients, int iterations, boolean hitCap) {
    }

    private final NDManager manager;
    private final float[] a;
    private final int m;
    private final int n;
    private final Basis basis;
    private final float[] psi;
    private final double lambda;
    private final double sigma;
    private final int maxIterations;
    private final double tol;
    private int lastIterations;
    private boolean lastHitCap;

    public Lasso(NDManager manager, float[] a, int m, int n, Basis basis, int side, double lambda, double sigma,
                 int maxIterations, double tol) {
        this.manager = manager;
        this.a = a;
        this.m = m;
        this.n = n;
        this.basis = basis;
        this.psi = basis == Basis.DCT ? Dct.matrix2d(side) : null;
        this.lambda = lambda;
        this.sigma = sigma;
        this.maxIterations = maxIterations;
        this.tol = tol;
    }

    /** A Gaussian measurement matrix (m, n) with N(0, 1/m) entries from {@code seed}. */
    public static float[] gaussianMatrix(int m, int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[m * n];
        double s = 1 / Math.sqrt(m);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * s);
        }
        return a;
    }

    @Override
    public String name() {
        return basis == Basis.DCT ? "lasso-dct" : "lasso-pixel";
    }

    @Override
    public int measurements() {
        return m;
    }

    public double lambda() {
        return lambda;
    }

    public int lastIterations() {
        return lastIterations;
    }

    public boolean lastHitCap() {
        return lastHitCap;
    }

    @Override
    public float[] reconstruct(float[] images, int count, float[] eps) {
        float[] y = Pca.measure(a, m, images, count, eps, sigma);
        return Tensors.noGrad(() -> {
            try (NDManager sub = manager.newSubManager()) {
                NDArray aArr = sub.create(a, new Shape(m, n));
                NDArray b = psi == null ? aArr : aArr.matMul(sub.create(psi, new Shape(n, n)).transpose());
                Solution sol = fista(b, sub.create(y, new Shape(count, m)), lambda, maxIterations, tol);
                lastIterations = sol.iterations();
                lastHitCap = sol.hitCap();
                NDArray c = sub.create(sol.coefficients(), new Shape(count, n));
                NDArray x = psi == null ? c : c.matMul(sub.create(psi, new Shape(n, n)));
                return x.clip(0f, 1f).toFloatArray();
            }
        });
    }

    /**
     * FISTA for {@code min_C ½‖Y − C Bᵀ‖² + λ‖C‖₁} over a batch of rows.
     *
     * @param b (m, n) effective matrix
     * @param y (N, m) measurements
     */
    public static Solution fista(NDArray b, NDArray y, double lambda, int maxIterations, double tol) {
        long count = y.getShape().get(0);
        long n = b.getShape().get(1);
        float step = (float) (1 / lipschitz(b));
        float threshold = (float) (lambda * step);
        NDManager mgr = y.getManager();
        NDArray bt = b.transpose();
        NDArray c = mgr.zeros(new Shape(count, n));
        NDArray z = c.duplicate();
        double t = 1;
        double previous = objective(c, b, y, lambda);
        int it = 0;
        boolean converged = false;
        while (it < maxIterations && !converged) {
            it++;
            NDArray next;
            try (NDScope scope = new NDScope()) {
                NDArray grad = z.matMul(bt).sub(y).matMul(b);
                NDArray v = z.sub(grad.mul(step));
                next = v.sign().mul(v.abs().sub(threshold).maximum(0f));
                double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                NDArray zNext = next.add(next.sub(c).mul((float) ((t - 1) / tNext)));
                double current = objective(next, b, y, lambda);
                converged = Math.abs(previous - current) <= tol * Math.max(Math.abs(current), 1e-30);
                previous = current;
                t = tNext;
                scope.unregister(next, zNext);
                c.close();
                z.close();
                c = next;
                z = zNext;
            }
        }
        float[] out = c.toFloatArray();
        c.close();
        z.close();
        return new Solution(out, it, !converged);
    }

    static double objective(NDArray c, NDArray b, NDArray y, double lambda) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray r = c.matMul(b.transpose()).sub(y);
            return 0.5 * r.square().sum().getFloat() + lambda * c.abs().sum().getFloat();
        }
    }

    /** L = largest eigenvalue of B Bᵀ (the gradient's Lipschitz constant), by EJML. */
    static double lipschitz(NDArray b) {
        int m = (int) b.getShape().get(0);
        int n = (int) b.getShape().get(1);
        float[] v = b.toFloatArray();
        DMatrixRMaj bm = new DMatrixRMaj(m, n);
        for (int i = 0; i < v.length; i++) {
            bm.data[i] = v[i];
        }
        DMatrixRMaj g = new DMatrixRMaj(m, m);
        CommonOps_DDRM.multTransB(bm, bm, g);
        var eig = org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(m, false, true);
        if (!eig.decompose(g)) {
            throw new IllegalStateException("LASSO: eigenvalues of A Aᵀ failed");
        }
        double max = 0;
        for (int i = 0; i < m; i++) {
            max = Math.max(max, eig.getEigenvalue(i).getReal());
        }
        return max;
    }
}
