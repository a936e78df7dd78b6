package org.fewgen.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.TestEnv;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole embedding chain (uint8 pixels → nsfwjs input convention → Inception v3 → pool3)
 * against the pooled features the original nsfwjs tfjs model produced
 * ({@code reference_outputs.json}, input "gradient" at 299², so no resize is involved).
 */
class InceptionFeaturesReferenceTest {

    @Test
    void nsfwjsPool3MatchesTheOriginalModel() throws Exception {
        Path weights = TestEnv.weights();
        JsonObject ref = JsonParser.parseString(TestEnv.referenceOutputs()).getAsJsonObject();
        JsonObject pool = ref.getAsJsonObject("inception_v3").getAsJsonObject("results")
                .getAsJsonObject("gradient").getAsJsonObject("global_pool");
        JsonArray values = pool.getAsJsonArray("values");
        double maxAbs = Math.max(Math.abs(pool.get("min").getAsDouble()), Math.abs(pool.get("max").getAsDouble()));
        double tol = 1e-4 + 1e-4 * maxAbs;

        int s = 299;
        byte[] px = new byte[3 * s * s];
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < s; h++) {
                for (int w = 0; w < s; w++) {
                    px[(c * s + h) * s + w] = (byte) ((h + 2 * w + 111 * c) % 256);
                }
            }
        }
        InceptionWeights.Info info = InceptionWeights.inspect(weights.resolve(InceptionWeights.NSFWJS_FILE_NAME), null);
        try (InceptionFeatures net = InceptionFeatures.open(info, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            NDArray img = m.create(ByteBuffer.allocateDirect(px.length).put(px).flip(), new Shape(1, 3, s, s), DataType.UINT8);
            float[] got = net.embed(img).toFloatArray();
            assertThat(got).hasSize(2048);
            double worst = 0;
            for (int i = 0; i < 2048; i++) {
                worst = Math.max(worst, Math.abs(got[i] - values.get(i).getAsDouble()));
            }
            assertThat(worst).as("max |Δ| of pool3 vs the tfjs original").isLessThanOrEqualTo(tol);
        }
    }
}
