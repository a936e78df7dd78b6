package org.fewgen.cs;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Linear;
import org.fewgen.nn.Sequential;
import org.fewgen.nn.Tensors;

/** Multi-layer perceptrons with ReLU between layers, shared by encoders, decoders and the VAE. */
public final class Mlp {

    private Mlp() {
    }

    /**
     * {@code in → hidden[0] → … → out}, ReLU after every hidden layer, and a sigmoid on the output
     * when {@code sigmoidOutput} (pixels in [0, 1]). Input {@code (N, in)}, output {@code (N, out)}.
     */
    public static Sequential build(NDManager manager, int in, int[] hidden, int out, boolean sigmoidOutput) {
        Sequential s = new Sequential(manager);
        int width = in;
        for (int h : hidden) {
            s.add(new Linear(manager, width, h, true));
            s.add(x -> JniUtils.relu(Tensors.pt(x)));
            width = h;
        }
        s.add(new Linear(manager, width, out, true));
        if (sigmoidOutput) {
            s.add(x -> JniUtils.sigmoid(Tensors.pt(x)));
        }
        return s;
    }

    /** Parses "500,500" (empty for none) into layer widths, naming the option on error. */
    public static int[] parseWidths(String text, String option) {
        if (text == null || text.isBlank()) {
            return new int[0];
        }
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be comma-separated layer widths like 500,500, not '" + text + "'");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException(option + ": layer width " + out[i] + " is not positive");
            }
        }
        return out;
    }
}
