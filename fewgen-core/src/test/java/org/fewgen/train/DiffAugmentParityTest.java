package org.fewgen.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.fewgen.gan.DiffAugment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fewgen's DiffAugment against the official {@code pg_modules/diffaug.py}, forward and backward:
 * the fixture {@code parity/diffaug.json} (written by {@code bench/reference/diffaug_parity.py})
 * holds, for fixed draws that include the edges, sketches of the official float64 output and of
 * the gradient of {@code sum(w · output)} with respect to the input, which is what G receives back
 * through the augmentation in every G step. The operations run here in the policy's order
 * (colour: brightness, saturation, contrast; translation; cutout), as {@link DiffAugment#apply}
 * chains them.
 */
class DiffAugmentParityTest {

    /** Both sides compute in float64: only the order of summation differs. */
    private static final double TOLERANCE = 1e-12;

    @ParameterizedTest
    @ValueSource(strings = {"side32", "side17"})
    void outputAndInputGradientMatchTheOfficialCode(String name) throws IOException {
        JsonObject fixture = StepParityTest.fixture("diffaug", "bench/reference/diffaug_parity.py");
        assertThat(fixture.get("sketch_dim").getAsInt()).isEqualTo(StepParity.SKETCH_DIM);
        int n = fixture.get("images").getAsInt();
        JsonObject c = fixture.getAsJsonObject("cases").getAsJsonObject(name);
        int side = c.get("side").getAsInt();
        Shape shape = new Shape(n, 3, side, side);
        int size = (int) shape.size();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.create(uniform(1, size), shape);
            NDArray w = m.create(uniform(2, size), shape);
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray t = DiffAugment.brightness(x, perImage(m, c, "brightness", n));
                t = DiffAugment.saturation(t, perImage(m, c, "saturation", n));
                t = DiffAugment.contrast(t, perImage(m, c, "contrast", n));
                t = DiffAugment.translate(t, longs(c, "shift_h"), longs(c, "shift_w"));
                int cut = (int) (side * DiffAugment.CUTOUT_RATIO + 0.5);
                y = DiffAugment.cutout(t, longs(c, "centre_h"), longs(c, "centre_w"), cut);
                gc.backward(y.mul(w).sum());
            }
            double outputError = StepParityTest.relativeError(StepParity.sketch(y.toDoubleArray()),
                    StepParityTest.referenceSketch(c.getAsJsonObject("output")));
            double gradientError = StepParityTest.relativeError(StepParity.sketch(x.getGradient().toDoubleArray()),
                    StepParityTest.referenceSketch(c.getAsJsonObject("input_gradient")));
            assertThat(outputError).as("%s: output, relative error", name).isLessThan(TOLERANCE);
            assertThat(gradientError).as("%s: gradient with respect to the input, relative error", name)
                    .isLessThan(TOLERANCE);
        }
    }

    /** [-1, 1) from splitmix64(draw·2³² + i), as diffaug_parity.py builds it. */
    private static double[] uniform(long draw, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (StepParity.splitmix64((draw << 32) + i) >>> 11) * 0x1.0p-53 * 2 - 1;
        }
        return v;
    }

    private static NDArray perImage(NDManager m, JsonObject c, String key, int n) {
        JsonArray a = c.getAsJsonArray(key);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return m.create(v, new Shape(n, 1, 1, 1));
    }

    private static long[] longs(JsonObject c, String key) {
        JsonArray a = c.getAsJsonArray(key);
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsLong();
        }
        return v;
    }
}
