package org.fewgen.examples;

import org.fewgen.Uae;

import java.nio.file.Path;

/** Measures one image with a trained UAE and recovers it from the measurements. */
public final class RecoverImage {

    private RecoverImage() {
    }

    /** The library part of the example: three statements. */
    static float[] recover(Path uaeRun, float[] image) {
        try (Uae u = Uae.load(uaeRun)) {
            float[] y = u.measure(image);
            return u.recover(y);
        }
    }

    /** {@code RecoverImage UAE_RUN}: recovers an image of a bright square and prints the error. */
    public static void main(String[] args) {
        float[] x = new float[28 * 28];
        for (int r = 8; r < 20; r++) {
            for (int c = 8; c < 20; c++) {
                x[r * 28 + c] = 1f;
            }
        }
        float[] xHat = recover(Path.of(args[0]), x);
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            se += (x[i] - xHat[i]) * (x[i] - xHat[i]);
        }
        System.out.printf("recovered %d pixels, squared error %.3f%n", xHat.length, se);
    }
}
