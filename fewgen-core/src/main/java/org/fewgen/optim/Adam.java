package org.fewgen.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Module;
import org.fewgen.nn.Tensors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam whose moments are named after the parameters they belong to, so that a checkpoint can
 * save and restore them exactly (DJL's own Adam keys them by random ids and never exposes them).
 *
 * <p>Update: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
 * w -= lr/(1-b1^t) · m/(sqrt(v)/sqrt(1-b2^t) + eps)}, after which the gradient is zeroed: the
 * formula of {@code torch.optim.Adam} (eps added after the bias correction), so that a step
 * matches the reference's to rounding (bench/reference/step_parity.py).
 *
 * <p>The update is memory-bound, so it is written as in-place libtorch ops that make two
 * temporaries per parameter ({@code g²} and the denominator, freed at once) and reuse the
 * gradient's own storage for the step, where DJL's {@code adamUpdate} clones the gradient, adds
 * a zero weight decay and makes four temporaries. With {@code b1 = 0} (Projected GAN's setting)
 * the first moment equals the gradient, so it is neither stored nor saved.
 */
public final class Adam {

    private static final NDIndex ALL = new NDIndex("...");

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> mean = new LinkedHashMap<>();
    private final Map<String, NDArray> variance = new LinkedHashMap<>();
    // double, as torch.optim.Adam's Python floats: the scalars take the parameters' type in each
    // operation, so a float64 step (StepParity's) is float64 throughout and a float32 step the same
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long step;

    /**
     * @param module the module whose parameters this optimizer updates (all of them, by name)
     * @param lr learning rate
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator guard
     * @param weightDecay L2 penalty added to the gradient (0 for none)
     */
    public Adam(Module module, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(module.namedParameters(), module.getManager(), lr, beta1, beta2, eps, weightDecay);
    }

    public Adam(Map<String, NDArray> params, NDManager manager, double lr, double beta1, double beta2, double eps,
                double weightDecay) {
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, NDArray> e : this.params.entrySet()) {
            NDArray p = e.getValue();
            if (beta1 != 0) {
                NDArray m = manager.zeros(p.getShape(), p.getDataType(), p.getDevice());
                m.setName("m." + e.getKey());
                mean.put(e.getKey(), m);
            }
            NDArray v = manager.zeros(p.getShape(), p.getDataType(), p.getDevice());
            v.setName("v." + e.getKey());
            variance.put(e.getKey(), v);
        }
    }

    /** Applies one update to every parameter that has a gradient, then zeroes the gradients. */
    public void step() {
        step++;
        double stepSize = lr / (1 - Math.pow(beta1, step));
        double rootCorrection2 = Math.sqrt(1 - Math.pow(beta2, step));
        Tensors.noGrad(() -> {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                if (!p.hasGradient()) {
                    continue;
                }
                try (NDArray g = p.getGradient()) {
                    update(p, g, mean.get(e.getKey()), variance.get(e.getKey()), stepSize, rootCorrection2);
                    JniUtils.zeroGrad(Tensors.pt(p));
                }
            }
            return null;
        });
    }

    /** One parameter's update; {@code g} (a handle on the gradient's storage) is used as scratch. */
    private void update(NDArray p, NDArray g, NDArray m, NDArray v, double stepSize, double rootCorrection2) {
        if (weightDecay != 0) {
            try (NDArray decay = p.mul(weightDecay)) {
                g.addi(decay);
            }
        }
        try (NDArray g2 = g.mul(g)) {
            v.muli(beta2).addi(g2.muli(1 - beta2));
        }
        if (m != null) {
            try (NDArray part = g.mul(1 - beta1)) {
                m.muli(beta1).addi(part);
            }
            // the gradient's storage carries the first moment from here on (it is zeroed after)
            g.set(ALL, m);
        }
        try (NDArray denom = v.sqrt()) {
            denom.divi(rootCorrection2).addi(eps).divi(stepSize);
            p.subi(g.divi(denom));
        }
    }

    /** Zeroes the gradients of every parameter without updating (after a skipped step). */
    public void zeroGradients() {
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                JniUtils.zeroGrad(Tensors.pt(p));
            }
        }
    }

    public long getStep() {
        return step;
    }

    public double getLearningRate() {
        return lr;
    }

    /** Changes the learning rate of the following steps (a schedule, or a warm-up that must not move the weights). */
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, not " + lr);
        }
        this.lr = lr;
    }

    /** The moments as {@code m.<param>} and {@code v.<param>}, for a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        mean.forEach((k, v) -> out.put("m." + k, v));
        variance.forEach((k, v) -> out.put("v." + k, v));
        return out;
    }

    /** Restores moments saved by {@link #state()} and the step counter. */
    public void loadState(Map<String, NDArray> saved, long savedStep, String origin) {
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            NDArray src = saved.get(e.getKey());
            if (src == null || !src.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException(origin + ": optimizer state '" + e.getKey() + "' is "
                        + (src == null ? "missing" : "of shape " + src.getShape()) + ", expected "
                        + e.getValue().getShape());
            }
        }
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            Tensors.copyInto(saved.get(e.getKey()), e.getValue());
        }
        this.step = savedStep;
    }
}
