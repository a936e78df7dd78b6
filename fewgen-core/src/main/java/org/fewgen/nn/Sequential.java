package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; children are named {@code 0, 1, 2, ...} as in PyTorch. */
public class Sequential extends Module implements Layer {

    private final List<Layer> layers = new ArrayList<>();

    public Sequential(NDManager manager) {
        super(manager);
    }

    /** Appends a layer (a {@link Module} that is a {@link Layer}, or a stateless lambda). */
    public Sequential add(Layer layer) {
        String name = Integer.toString(layers.size());
        if (layer instanceof Module m) {
            addChild(name, m);
        }
        layers.add(layer);
        return this;
    }

    public int size() {
        return layers.size();
    }

    public Layer get(int i) {
        return layers.get(i);
    }

    /**
     * Runs the layers in order. Each layer's temporaries are freed when it returns and each
     * output between two layers once the next layer has used it (see {@link Tensors#scoped}), so
     * a chain holds only what autograd keeps for backward.
     */
    @Override
    public NDArray forward(NDArray x) {
        NDArray out = x;
        for (Layer layer : layers) {
            NDArray in = out;
            out = Tensors.scoped(() -> layer.forward(in));
            if (in != x) {
                Tensors.release(in, out);
            }
        }
        return out;
    }
}
