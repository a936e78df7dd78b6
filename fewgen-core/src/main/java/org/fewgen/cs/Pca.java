package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Principal component analysis of a set of images: the mean μ, the covariance Σ and its
 * eigenvectors sorted by decreasing eigenvalue. The top-m eigenvectors are the PCA measurement
 * matrix (unit-norm rows), and {@link #linearDecoder} gives the optimal linear (Wiener) decoder
 * for any linear measurement matrix under Gaussian noise.
 */
public final class Pca {

    private final int n;
    private final double[] mean;
    private final DMatrixRMaj covariance;
    private final double[] eigenvalues;
    private final double[][] eigenvectors;

    private Pca(int n, double[] mean, DMatrixRMaj covariance, double[] eigenvalues, double[][] eigenvectors) {
        this.n = n;
        this.mean = mean;
        this.covariance = covariance;
        this.eigenvalues = eigenvalues;
        this.eigenvectors = eigenvectors;
    }

    /**
     * Fits PCA to {@code count} rows of {@code n} values; the covariance product runs in
     * {@code manager} (a native matmul), the eigen-decomposition in EJML.
     */
    public static Pca fit(float[] rows, int count, int n, NDManager manager) {
        double[] mean = new double[n];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < n; j++) {
                mean[j] += rows[i * n + j];
            }
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= count;
        }
        float[] cov;
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(rows, new Shape(count, n)).toType(DataType.FLOAT64, false);
            NDArray mu = sub.create(mean, new Shape(1, n));
            NDArray xc = x.sub(mu);
            cov = xc.transpose().matMul(xc).div(Math.max(1, count - 1)).toType(DataType.FLOAT32, false).toFloatArray();
        }
        DMatrixRMaj c = new DMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            c.data[i] = cov[i];
        }
        return fromCovariance(mean, c);
    }

    /** PCA of a known mean and covariance (n, n). */
    public static Pca fromCovariance(double[] mean, DMatrixRMaj covariance) {
        int n = mean.length;
        DMatrixRMaj sym = covariance.copy();
        // symmetrise against float round-off so that the symmetric solver applies
        DMatrixRMaj t = new DMatrixRMaj(n, n);
        CommonOps_DDRM.transpose(sym, t);
        CommonOps_DDRM.add(0.5, sym, 0.5, t, sym);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(sym.copy())) {
            throw new IllegalStateException("PCA: eigen-decomposition of the " + n + "x" + n + " covariance failed");
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -eig.getEigenvalue(i).getReal()));
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = eig.getEigenvalue(order[k]).getReal();
            DMatrixRMaj v = eig.getEigenVector(order[k]);
            double[] vec = Arrays.copyOf(v.data, n);
            double norm = 0;
            for (double d : vec) {
                norm += d * d;
            }
            norm = Math.sqrt(norm);
            // a fixed sign makes the directions reproducible: largest entry positive
            int arg = 0;
            for (int j = 1; j < n; j++) {
                if (Math.abs(vec[j]) > Math.abs(vec[arg])) {
                    arg = j;
                }
            }
            double s = vec[arg] < 0 ? -1 / norm : 1 / norm;
            for (int j = 0; j < n; j++) {
                vec[j] *= s;
            }
            vectors[k] = vec;
        }
        return new Pca(n, mean.clone(), covariance.copy(), values, vectors);
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Eigenvalues of the covariance, largest first. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The top-m principal directions as an (m, n) row-major matrix with unit-norm rows. */
    public float[] directions(int m) {
        if (m > n) {
            throw new org.fewgen.util.SettingException("measurements", m, "exceeds the " + n + " pixels");
        }
        float[] out = new float[m * n];
        for (int k = 0; k < m; k++) {
            for (int j = 0; j < n; j++) {
                out[k * n + j] = (float) eigenvectors[k][j];
            }
        }
        return out;
    }

    /**
     * The optimal linear decoder for measurements {@code y = W x + σ ε}: the linear MMSE (Wiener)
     * estimator {@code x̂ = μ + Σ Wᵀ (W Σ Wᵀ + σ² I)⁻¹ (y − W μ)}, written as {@code x̂ = K y + b}.
     *
     * @param w (m, n) measurement matrix, row-major
     */
    public LinearDecoder linearDecoder(float[] w, int m, double sigma) {
        DMatrixRMaj W = new DMatrixRMaj(m, n);
        for (int i = 0; i < m * n; i++) {
            W.data[i] = w[i];
        }
        DMatrixRMaj sigmaWt = new DMatrixRMaj(n, m);
        CommonOps_DDRM.multTransB(covariance, W, sigmaWt);
        DMatrixRMaj s = new DMatrixRMaj(m, m);
        CommonOps_DDRM.mult(W, sigmaWt, s);
        for (int i = 0; i < m; i++) {
            s.add(i, i, sigma * sigma);
        }
        DMatrixRMaj inv = new DMatrixRMaj(m, m);
        if (!CommonOps_DDRM.invert(s, inv)) {
            throw new IllegalStateException("Wiener decoder: W Σ Wᵀ + σ²I is singular (σ = 0 with dependent rows?)");
        }
        DMatrixRMaj k = new DMatrixRMaj(n, m);
        CommonOps_DDRM.mult(sigmaWt, inv, k);
        DMatrixRMaj mu = new DMatrixRMaj(n, 1, true, mean);
        DMatrixRMaj wmu = new DMatrixRMaj(m, 1);
        CommonOps_DDRM.mult(W, mu, wmu);
        DMatrixRMaj kwmu = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(k, wmu, kwmu);
        double[] b = new double[n];
        for (int j = 0; j < n; j++) {
            b[j] = mean[j] - kwmu.data[j];
        }
        return new LinearDecoder(k.data.clone(), b, n, m);
    }

    /** {@code x̂ = K y + b}, K (n, m) row-major. */
    public record LinearDecoder(double[] k, double[] b, int n, int m) {

        /** Decodes (N, m) measurements into (N, n) images. */
        public float[] decode(float[] y, int count) {
            float[] out = new float[count * n];
            IntStream.range(0, count).parallel().forEach(i -> {
                for (int j = 0; j < n; j++) {
                    double s = b[j];
                    for (int l = 0; l < m; l++) {
                        s += k[j * m + l] * y[i * m + l];
                    }
                    out[i * n + j] = (float) s;
                }
            });
            return out;
        }
    }

    /** Measures (N, n) images with an (m, n) matrix, adding σ·ε when eps is given. */
    public static float[] measure(float[] w, int m, float[] x, int count, float[] eps, double sigma) {
        int n = x.length / count;
        float[] y = new float[count * m];
        IntStream.range(0, count).parallel().forEach(i -> {
            for (int l = 0; l < m; l++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += w[l * n + j] * x[i * n + j];
                }
                y[i * m + l] = (float) (eps == null ? s : s + sigma * eps[i * m + l]);
            }
        });
        return y;
    }

    /** PCA directions with the optimal linear decoder (output clipped to [0, 1]), as a {@link Recovery}. */
    public Recovery linearRecovery(int m, double sigma) {
        float[] w = directions(m);
        LinearDecoder dec = linearDecoder(w, m, sigma);
        return new Recovery() {
            @Override
            public String name() {
                return "pca-linear";
            }

            @Override
            public int measurements() {
                return m;
            }

            @Override
            public float[] reconstruct(float[] images, int count, float[] eps) {
                // clipped to the pixel range, as the reference evaluation does (a free improvement for any decoder)
                float[] out = dec.decode(measure(w, m, images, count, eps, sigma), count);
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.max(0f, Math.min(1f, out[i]));
                }
                return out;
            }
        };
    }
}
