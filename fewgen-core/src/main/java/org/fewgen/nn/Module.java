package org.fewgen.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A network part that owns named tensors, in the spirit of PyTorch's {@code nn.Module}.
 *
 * <p>Why not DJL's {@code AbstractBlock}: its parameter names carry order prefixes
 * ({@code 01Conv2d_weight}), so pretrained files in timm's naming cannot be matched name for
 * name; and optimizer state keyed by random parameter ids cannot be saved. A {@code Module}
 * registers children and tensors under the names the reference implementations use
 * ({@code blocks.1.0.conv_dw.weight}), which makes weight files, checkpoints, parameter counts
 * and optimizer moments all share one dotted name space.
 *
 * <p>Two kinds of tensors: <em>parameters</em> (learned; {@code requiresGradient} while the
 * module is trainable) and <em>buffers</em> (state that is saved but not learned: batch-norm
 * running statistics, the power-iteration vector of spectral normalisation). Both live in the
 * module's {@link NDManager}; forward passes must not create long-lived arrays there, so every
 * step runs inside an {@link ai.djl.ndarray.NDScope} that closes its intermediates.
 */
public abstract class Module {

    protected final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private boolean trainable = true;
    private boolean alwaysEval;

    protected Module(NDManager manager) {
        this.manager = manager;
    }

    /** The manager that owns this module's tensors. */
    public NDManager getManager() {
        return manager;
    }

    /** Registers a learned tensor; it requires gradients while the module is trainable. */
    protected NDArray addParameter(String name, NDArray value) {
        checkName(name);
        value.setName(name);
        value.setRequiresGradient(trainable);
        parameters.put(name, value);
        return value;
    }

    /** Registers a saved but not learned tensor (running statistics, power-iteration vectors). */
    protected NDArray addBuffer(String name, NDArray value) {
        checkName(name);
        value.setName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module; its tensors appear under {@code name.}. */
    protected <M extends Module> M addChild(String name, M child) {
        checkName(name);
        children.put(name, child);
        child.train(training);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module member names are non-empty and dot-free: '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate module member name: " + name);
        }
    }

    /** The direct children, in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every learned tensor of this module and its descendants, by dotted name, in registration order. */
    public Map<String, NDArray> namedParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.parameters.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    /** Every buffer of this module and its descendants, by dotted name. */
    public Map<String, NDArray> namedBuffers() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.buffers.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    /** Parameters and buffers together: everything a checkpoint of this module must hold. */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> {
            m.parameters.forEach((k, v) -> out.put(prefix + k, v));
            m.buffers.forEach((k, v) -> out.put(prefix + k, v));
        });
        return out;
    }

    private void visit(String prefix, BiConsumer<String, Module> action) {
        action.accept(prefix, this);
        children.forEach((name, child) -> child.visit(prefix + name + ".", action));
    }

    /** Number of learned scalars, counted as PyTorch counts {@code parameters()}: no buffers. */
    public long parameterCount() {
        long n = 0;
        for (NDArray p : namedParameters().values()) {
            n += p.getShape().size();
        }
        return n;
    }

    /**
     * Switches training behaviour (batch statistics, power-iteration updates, dropout) for this
     * module and its descendants. Independent of {@link #setTrainable}.
     */
    public void train(boolean on) {
        training = on && !alwaysEval;
        for (Module child : children.values()) {
            child.train(training);
        }
    }

    /**
     * Pins this module and its descendants to eval mode: a later {@code train(true)} on an
     * ancestor leaves them in eval mode. Frozen pretrained networks need this so that their
     * batch-norm statistics never move, whatever the enclosing network does.
     */
    public void setAlwaysEval(boolean on) {
        alwaysEval = on;
        train(training);
    }

    public boolean isTraining() {
        return training;
    }

    /** Freezes ({@code false}) or unfreezes the parameters of this module and its descendants. */
    public void setTrainable(boolean on) {
        visit("", (p, m) -> {
            m.trainable = on;
            for (NDArray v : m.parameters.values()) {
                v.setRequiresGradient(on);
            }
        });
    }

    public boolean isTrainable() {
        return trainable;
    }

    /**
     * Copies tensors into this module by dotted name. Every tensor of {@link #stateDict()} must be
     * present with its exact shape; with {@code strict}, extra names are errors too. The message
     * names the first tensor that does not match, with expected and actual shape.
     *
     * @param source tensors by dotted name
     * @param strict whether names in {@code source} that this module lacks are an error
     * @param origin what {@code source} came from (a file name), for messages
     */
    public void loadStateDict(Map<String, NDArray> source, boolean strict, String origin) {
        Map<String, NDArray> target = stateDict();
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NDArray src = source.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException(origin + ": missing tensor '" + e.getKey()
                        + "' (expected shape " + e.getValue().getShape() + ")");
            }
            Shape want = e.getValue().getShape();
            if (!src.getShape().equals(want)) {
                throw new IllegalArgumentException(origin + ": tensor '" + e.getKey() + "' has shape "
                        + src.getShape() + ", expected " + want);
            }
        }
        if (strict) {
            for (String name : source.keySet()) {
                if (!target.containsKey(name)) {
                    throw new IllegalArgumentException(origin + ": unexpected tensor '" + name
                            + "' (not part of " + getClass().getSimpleName() + ")");
                }
            }
        }
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            Tensors.copyInto(source.get(e.getKey()), e.getValue());
        }
    }
}
