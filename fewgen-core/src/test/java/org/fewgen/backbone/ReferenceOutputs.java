package org.fewgen.backbone;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.fewgen.TestEnv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * {@code reference_outputs.json}: outputs of the original nsfwjs networks for three inputs
 * defined by integer formulas. Regenerates those inputs (checking their SHA-256 values) and
 * compares tensors with the stored statistics under the file's recommended tolerances.
 */
final class ReferenceOutputs {

    static final String[] INPUTS = {"gradient", "checker", "sinusoid"};

    private final JsonObject root;
    private final JsonObject tol;

    ReferenceOutputs() throws IOException {
        root = new Gson().fromJson(TestEnv.referenceOutputs(),
                JsonObject.class);
        tol = root.getAsJsonObject("tolerance_values");
    }

    /** The 8-bit pixel p[h][w][c] of an input, from the formulas in the file's {@code __doc__}. */
    static int pixel(String input, int h, int w, int c) {
        return switch (input) {
            case "gradient" -> (h + 2 * w + 111 * c) % 256;
            case "checker" -> {
                int[][] col = {{240, 200, 40}, {16, 80, 224}};
                yield col[((h / 16) + (w / 16)) % 2][c];
            }
            case "sinusoid" -> (t64((7 * h + 16 * c) % 64) + t64((11 * w + 8 * c) % 64)) / 2;
            default -> throw new IllegalArgumentException(input);
        };
    }

    private static int t64(int k) {
        return (int) Math.floor(128 + 127 * Math.sin(2 * Math.PI * k / 64) + 0.5);
    }

    /**
     * Regenerates an input, checks both of its stored hashes, and returns it as NCHW floats
     * {@code p / 255f}, shape (1, 3, size, size).
     */
    float[] input(String name, int size) throws Exception {
        byte[] u8 = new byte[size * size * 3];
        ByteBuffer f32 = ByteBuffer.allocate(u8.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] nchw = new float[u8.length];
        int i = 0;
        for (int h = 0; h < size; h++) {
            for (int w = 0; w < size; w++) {
                for (int c = 0; c < 3; c++) {
                    int p = pixel(name, h, w, c);
                    float x = p / 255f;
                    u8[i++] = (byte) p;
                    f32.putFloat(x);
                    nchw[(c * size + h) * size + w] = x;
                }
            }
        }
        JsonObject ref = root.getAsJsonObject("inputs").getAsJsonObject(name).getAsJsonObject(Integer.toString(size));
        String u8Hash = sha256(u8);
        String f32Hash = sha256(f32.array());
        if (!u8Hash.equals(ref.get("sha256_u8_hwc").getAsString())
                || !f32Hash.equals(ref.get("sha256_f32le_nhwc").getAsString())) {
            throw new AssertionError("input " + name + "@" + size + " was not regenerated bit-exactly: sha256 "
                    + u8Hash + " / " + f32Hash + ", expected " + ref.get("sha256_u8_hwc") + " / "
                    + ref.get("sha256_f32le_nhwc"));
        }
        return nchw;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** The worst field of a comparison: |got − ref| divided by its tolerance (pass ⇔ ratio ≤ 1). */
    record Result(double ratio, String where) {
        Result worse(Result o) {
            return o.ratio > ratio ? o : this;
        }
    }

    /**
     * Compares a tensor with its record.
     *
     * @param net {@code mobilenetv2_100} or {@code inception_v3}
     * @param input one of {@link #INPUTS}
     * @param tensor record name (e.g. {@code block_2_add}, {@code global_pool})
     * @param v the tensor's values in NCHW order (one sample)
     * @param shape its shape without the batch dimension: (C, H, W) or (C)
     */
    Result compare(String net, String input, String tensor, float[] v, long... shape) {
        JsonObject ref = root.getAsJsonObject(net).getAsJsonObject("results").getAsJsonObject(input)
                .getAsJsonObject(tensor);
        String at = net + "/" + input + "/" + tensor;
        JsonArray refShape = ref.getAsJsonArray("shape_nchw");
        for (int d = 0; d < shape.length; d++) {
            if (refShape.get(d + 1).getAsLong() != shape[d]) {
                return new Result(Double.POSITIVE_INFINITY, at + ": shape " + java.util.Arrays.toString(shape)
                        + ", expected " + refShape);
            }
        }
        double maxAbs = Math.max(Math.abs(ref.get("min").getAsDouble()), Math.abs(ref.get("max").getAsDouble()));
        double elemTol = tol.get("elem_abs").getAsDouble() + tol.get("elem_rel_to_maxabs").getAsDouble() * maxAbs;
        double meanTol = tol.get("mean_std_abs").getAsDouble() + tol.get("mean_std_rel_to_maxabs").getAsDouble() * maxAbs;
        double sumTol = tol.get("sum_abs_rel").getAsDouble();

        double sum = 0;
        double sumAbs = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float f : v) {
            sum += f;
            sumAbs += Math.abs(f);
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        double mean = sum / v.length;
        double sq = 0;
        for (float f : v) {
            sq += (f - mean) * (f - mean);
        }
        double std = Math.sqrt(sq / v.length);
        Result r = new Result(0, at);
        r = r.worse(scalar(at + ".mean", mean, ref.get("mean").getAsDouble(), meanTol));
        r = r.worse(scalar(at + ".std", std, ref.get("std").getAsDouble(), meanTol));
        r = r.worse(new Result(Math.abs(sumAbs / ref.get("sum_abs").getAsDouble() - 1) / sumTol, at + ".sum_abs"));
        r = r.worse(scalar(at + ".min", min, ref.get("min").getAsDouble(), elemTol));
        r = r.worse(scalar(at + ".max", max, ref.get("max").getAsDouble(), elemTol));
        JsonArray first8 = ref.getAsJsonArray("first8_nchw");
        for (int i = 0; i < first8.size(); i++) {
            r = r.worse(scalar(at + ".first8[" + i + "]", v[i], first8.get(i).getAsDouble(), elemTol));
        }
        if (shape.length == 3) {
            long hw = shape[1] * shape[2];
            for (String key : new String[]{"at_chw", "top8_abs_chw"}) {
                for (JsonElement e : ref.getAsJsonArray(key)) {
                    JsonArray q = e.getAsJsonArray();
                    int c = q.get(0).getAsInt();
                    int h = q.get(1).getAsInt();
                    int w = q.get(2).getAsInt();
                    float got = v[(int) (c * hw + h * shape[2] + w)];
                    r = r.worse(scalar(at + "." + key + q, got, q.get(3).getAsDouble(), elemTol));
                }
            }
            if (ref.has("channel_mean")) {
                JsonArray cm = ref.getAsJsonArray("channel_mean");
                for (int c = 0; c < cm.size(); c++) {
                    double s = 0;
                    for (int j = 0; j < hw; j++) {
                        s += v[(int) (c * hw + j)];
                    }
                    r = r.worse(scalar(at + ".channel_mean[" + c + "]", s / hw, cm.get(c).getAsDouble(), meanTol));
                }
            }
        } else {
            JsonArray values = ref.getAsJsonArray("values");
            for (int c = 0; c < values.size(); c++) {
                r = r.worse(scalar(at + ".values[" + c + "]", v[c], values.get(c).getAsDouble(), elemTol));
            }
        }
        return r;
    }

    /** Compares class probabilities (5 values) with the stored ones, absolute tolerance. */
    Result compareProbs(String net, String input, float[] probs) {
        JsonArray ref = root.getAsJsonObject(net).getAsJsonObject("results").getAsJsonObject(input)
                .getAsJsonArray("probs");
        double t = tol.get("probs_abs").getAsDouble();
        Result r = new Result(0, net + "/" + input + "/probs");
        for (int i = 0; i < ref.size(); i++) {
            r = r.worse(scalar(net + "/" + input + "/probs[" + i + "]", probs[i], ref.get(i).getAsDouble(), t));
        }
        return r;
    }

    private static Result scalar(String where, double got, double want, double tolerance) {
        double ratio = Math.abs(got - want) / tolerance;
        if (Double.isNaN(ratio)) {
            ratio = Double.POSITIVE_INFINITY;
        }
        return new Result(ratio, where + ": got " + got + ", reference " + want + ", tolerance " + tolerance);
    }
}
