package org.fewgen;

/** Error measures the numerical tests share. */
public final class TestNumerics {

    private TestNumerics() {
    }

    /** {@code ‖a − b‖ / ‖b‖}. */
    public static double relativeNorm(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < b.length; i++) {
            double d = a[i] - b[i];
            diff += d * d;
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(diff / Math.max(norm, 1e-30));
    }
}
