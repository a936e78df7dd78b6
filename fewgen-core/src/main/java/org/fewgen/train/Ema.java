package org.fewgen.train;

import ai.djl.ndarray.NDArray;
import org.fewgen.nn.Module;
import org.fewgen.nn.Tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Exponential moving average of a generator's weights: after each step
 * {@code ema ← beta·ema + (1 − beta)·param} for every parameter, in place and without autograd,
 * and every buffer (batch-norm running statistics, spectral-norm vectors) copied as it is.
 */
public final class Ema {

    private final List<NDArray[]> paramPairs = new ArrayList<>();
    private final List<NDArray[]> bufferPairs = new ArrayList<>();

    /**
     * @param source the trained network
     * @param average a network of the same structure holding the average (not trainable)
     */
    public Ema(Module source, Module average) {
        pair(source.namedParameters(), average.namedParameters(), paramPairs, "parameter");
        pair(source.namedBuffers(), average.namedBuffers(), bufferPairs, "buffer");
    }

    private static void pair(Map<String, NDArray> src, Map<String, NDArray> dst, List<NDArray[]> out, String what) {
        if (!src.keySet().equals(dst.keySet())) {
            throw new IllegalArgumentException("EMA network differs from the trained one in its " + what + " names");
        }
        src.forEach((name, s) -> {
            NDArray d = dst.get(name);
            if (!s.getShape().equals(d.getShape())) {
                throw new IllegalArgumentException("EMA " + what + " '" + name + "' has shape " + d.getShape()
                        + ", trained one " + s.getShape());
            }
            out.add(new NDArray[] {s, d});
        });
    }

    /** Sets the average equal to the source (at the start of training). */
    public void copy() {
        for (NDArray[] p : paramPairs) {
            Tensors.copyInto(p[0], p[1]);
        }
        copyBuffers();
    }

    /** One EMA update with decay {@code beta}. */
    public void update(double beta) {
        // beta as a double scalar takes the parameters' type: float32 as before, float64 exact
        double keep = beta;
        Tensors.noGrad(() -> {
            for (NDArray[] p : paramPairs) {
                // avg = param + keep·(avg − param), in place: no temporary of the parameter's size
                p[1].subi(p[0]).muli(keep).addi(p[0]);
            }
            return null;
        });
        copyBuffers();
    }

    private void copyBuffers() {
        for (NDArray[] b : bufferPairs) {
            Tensors.copyInto(b[0], b[1]);
        }
    }
}
