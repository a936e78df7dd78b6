package org.fewgen.cs;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.Arrays;

/**
 * Everything that defines a UAE training run; written to {@code config.json} and read back by
 * {@code --resume}.
 *
 * @param data the {@code --data} source
 * @param measurements m
 * @param noise σ of the measurement noise
 * @param encoder {@code linear}, {@code mlp}, or {@code fixed} (a given matrix that is not trained:
 *                PCA directions or a transferred encoder)
 * @param encoderHidden hidden widths of an MLP encoder
 * @param decoderHidden hidden widths of the decoder
 * @param epochs number of epochs
 * @param batch images per step
 * @param lr Adam learning rate
 * @param encoderL2 coefficient of the ℓ2 penalty on the encoder weights (0: none)
 * @param rowNorm maximum norm of each encoder row (0: unconstrained)
 * @param seed seed of the initialisation, the batch order and the training noise
 * @param transferFrom run folder whose encoder was kept (empty: none)
 * @param maxTrain at most this many training images (0: all)
 */
public record UaeConfig(String data, int measurements, float noise, String encoder, int[] encoderHidden,
                        int[] decoderHidden, int epochs, int batch, float lr, float encoderL2, float rowNorm,
                        long seed, String transferFrom, int maxTrain) {

    public UaeConfig {
        if (!"mlp".equals(encoder)) {
            // hidden widths mean nothing to a linear encoder; dropping them keeps equal runs equal
            encoderHidden = new int[0];
        }
        if (measurements < 1) {
            throw new org.fewgen.util.SettingException("measurements", measurements, "must be at least 1");
        }
        if (!(noise >= 0)) {
            throw new org.fewgen.util.SettingException("noise", noise, "must be non-negative");
        }
        if (!encoder.equals("linear") && !encoder.equals("mlp") && !encoder.equals("fixed")) {
            throw new org.fewgen.util.SettingException("encoder", "'" + encoder + "'", "must be linear or mlp");
        }
        // 0 epochs would write a run of an untrained model that looks like a result
        if (epochs < 1) {
            throw new org.fewgen.util.SettingException("epochs", epochs, "must be at least 1");
        }
        if (batch < 1) {
            throw new org.fewgen.util.SettingException("batch", batch, "must be at least 1");
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new org.fewgen.util.SettingException("lr", lr, "must be a positive number");
        }
        if (!(rowNorm >= 0) || !(encoderL2 >= 0)) {
            throw new org.fewgen.util.SettingException(rowNorm < 0 || Float.isNaN(rowNorm) ? "rowNorm" : "encoderL2", rowNorm < 0 || Float.isNaN(rowNorm) ? rowNorm : encoderL2, "must be non-negative");
        }
        if (rowNorm > 0 && encoder.equals("mlp")) {
            throw new org.fewgen.util.SettingException("rowNorm", rowNorm, "needs a linear encoder (an MLP encoder has no measurement rows)");
        }
    }

    /** The reference defaults: linear encoder, 500-500 decoder, σ 0.1, 30 epochs, batch 100, lr 1e-3. */
    public static UaeConfig defaults(String data, int measurements) {
        return new UaeConfig(data, measurements, 0.1f, "linear", new int[0], new int[] {500, 500}, 30, 100, 1e-3f,
                0f, 0f, 1L, "", 0);
    }

    public UaeConfig withEpochs(int e) {
        return new UaeConfig(data, measurements, noise, encoder, encoderHidden, decoderHidden, e, batch, lr, encoderL2,
                rowNorm, seed, transferFrom, maxTrain);
    }

    public UaeConfig withEncoder(String kind, float maxRowNorm, String transfer) {
        return new UaeConfig(data, measurements, noise, kind, encoderHidden, decoderHidden, epochs, batch, lr, encoderL2,
                maxRowNorm, seed, transfer, maxTrain);
    }

    public UaeConfig withData(String d, int max) {
        return new UaeConfig(d, measurements, noise, encoder, encoderHidden, decoderHidden, epochs, batch, lr, encoderL2,
                rowNorm, seed, transferFrom, max);
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("data", data);
        o.addProperty("measurements", measurements);
        o.addProperty("noise", noise);
        o.addProperty("encoder", encoder);
        o.add("encoder_hidden", array(encoderHidden));
        o.add("decoder_hidden", array(decoderHidden));
        o.addProperty("epochs", epochs);
        o.addProperty("batch", batch);
        o.addProperty("lr", lr);
        o.addProperty("encoder_l2", encoderL2);
        o.addProperty("row_norm", rowNorm);
        o.addProperty("seed", seed);
        o.addProperty("transfer_from", transferFrom);
        o.addProperty("max_train", maxTrain);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    public static UaeConfig fromJson(String json, String origin) {
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            return new UaeConfig(o.get("data").getAsString(), o.get("measurements").getAsInt(),
                    o.get("noise").getAsFloat(), o.get("encoder").getAsString(), ints(o.getAsJsonArray("encoder_hidden")),
                    ints(o.getAsJsonArray("decoder_hidden")), o.get("epochs").getAsInt(), o.get("batch").getAsInt(),
                    o.get("lr").getAsFloat(), o.get("encoder_l2").getAsFloat(), o.get("row_norm").getAsFloat(),
                    o.get("seed").getAsLong(), o.get("transfer_from").getAsString(), o.get("max_train").getAsInt());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(origin + ": not a UAE config.json (" + e.getMessage() + ")");
        }
    }

    private static JsonArray array(int[] v) {
        JsonArray a = new JsonArray();
        Arrays.stream(v).forEach(a::add);
        return a;
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UaeConfig c && c.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
