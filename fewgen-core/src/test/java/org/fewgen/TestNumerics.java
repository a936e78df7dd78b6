package org.fewgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * How {@code actual} differs from {@code expected} bit for bit (NaN included): a line per
     * quantity missing from either, or with values that differ, saying how many; empty when equal.
     */
    public static List<String> bitwiseDifferences(Map<String, double[]> expected, Map<String, double[]> actual) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            double[] a = e.getValue();
            double[] b = actual.get(e.getKey());
            if (b == null || b.length != a.length) {
                out.add(e.getKey() + ": " + (b == null ? "missing" : b.length + " values, not " + a.length));
                continue;
            }
            int differing = 0;
            for (int j = 0; j < a.length; j++) {
                if (Double.doubleToLongBits(a[j]) != Double.doubleToLongBits(b[j])) {
                    differing++;
                }
            }
            if (differing > 0) {
                out.add(e.getKey() + ": " + differing + " of " + a.length + " values");
            }
        }
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> out.add(k + ": unexpected"));
        return out;
    }
}
