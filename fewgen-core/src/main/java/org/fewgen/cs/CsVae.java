package org.fewgen.cs;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.fewgen.nn.Module;
import org.fewgen.nn.Sequential;
import org.fewgen.nn.Tensors;
import org.fewgen.optim.Adam;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The generative prior of CS-VAE (Bora, Jalal, Price &amp; Dimakis, ICML 2017): a VAE with a
 * Bernoulli decoder, {@code n → 500 → 500 → (μ, log σ²)} of the latent size and back
 * {@code latent → 500 → 500 → n}. Recovery searches the latent space (see {@link #recovery}).
 */
public final class CsVae extends Module {

    private final int latent;
    private final int n;
    private final Sequential encoder;
    private final Sequential decoder;

    public CsVae(NDManager manager, int n, int latent, int[] hidden) {
        super(manager);
        this.n = n;
        this.latent = latent;
        this.encoder = addChild("encoder", Mlp.build(manager, n, hidden, 2 * latent, false));
        int[] reversed = new int[hidden.length];
        for (int i = 0; i < hidden.length; i++) {
            reversed[i] = hidden[hidden.length - 1 - i];
        }
        this.decoder = addChild("decoder", Mlp.build(manager, latent, reversed, n, false));
    }

    public int latent() {
        return latent;
    }

    /** G(z): images (N, n) in [0, 1] from latents (N, latent). */
    public NDArray generate(NDArray z) {
        return JniUtils.sigmoid(Tensors.pt(decoder.forward(z)));
    }

    /** The negative ELBO per image: Bernoulli cross-entropy summed over pixels plus KL to N(0, I). */
    public NDArray loss(NDArray x) {
        NDArray h = encoder.forward(x);
        NDArray mu = h.get(new NDIndex(":, :" + latent));
        NDArray logVar = h.get(new NDIndex(":, " + latent + ":"));
        NDArray eps = x.getManager().randomNormal(0f, 1f, mu.getShape(), DataType.FLOAT32, x.getDevice());
        // numbers that autograd keeps for backward are Tensors.scalar, not DJL's (see there)
        NDArray z = mu.add(logVar.mul(Tensors.scalar(logVar, 0.5)).exp().mul(eps));
        NDArray logits = decoder.forward(z);
        // log(1 + e^l) − x·l, written stably as max(l, 0) + log(1 + e^−|l|) − x·l
        NDArray bce = logits.maximum(Tensors.scalar(logits, 0)).add(logits.abs().neg().exp().add(1f).log())
                .sub(logits.mul(x)).sum();
        NDArray kl = logVar.add(1f).sub(mu.square()).sub(logVar.exp()).sum().mul(Tensors.scalar(logVar, -0.5));
        return bce.add(kl).div(Tensors.scalar(x, x.getShape().get(0)));
    }

    /** Trains with Adam (lr 1e-3) for the given epochs; returns the last epoch's mean loss. */
    public double train(CsData data, int epochs, int batch, long seed, PrintStream log) {
        Adam adam = new Adam(this, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f);
        int count = data.trainCount();
        int steps = count / batch;
        double last = Double.NaN;
        try (NDManager dm = manager.newSubManager()) {
            NDArray train = dm.create(data.train(), new Shape(count, n));
            NDArray lossSum = dm.zeros(new Shape());
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                JniUtils.setSeed(seed * 7919 + epoch);
                Random r = new Random(seed * 31 + epoch);
                long[] order = new long[count];
                for (int i = 0; i < count; i++) {
                    order[i] = i;
                }
                for (int i = count - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    long t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                lossSum.subi(lossSum);
                for (int s = 0; s < steps; s++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray xb = train.get(dm.create(java.util.Arrays.copyOfRange(order, s * batch, (s + 1) * batch)));
                        NDArray loss;
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            loss = loss(xb);
                            gc.backward(loss);
                        }
                        adam.step();
                        lossSum.addi(loss.stopGradient());
                    }
                }
                last = lossSum.getFloat() / steps;
                if (log != null) {
                    log.printf("cs-vae epoch %d/%d  loss %.2f  (%.1f s)%n", epochs == 0 ? 0 : epoch, epochs, last,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return last;
    }

    /**
     * Recovery by gradient descent in latent space: minimise {@code ‖A G(z) − y‖² + λ‖z‖²} with Adam
     * from {@code restarts} random starts per image and keep the start with the lowest measurement
     * error ‖A G(z) − y‖².
     *
     * @param a (m, n) measurement matrix, row-major
     */
    public Recovery recovery(float[] a, int m, double sigma, double lambda, int restarts, int steps, float lr,
                             long seed) {
        CsVae vae = this;
        return new Recovery() {
            @Override
            public String name() {
                return "csvae";
            }

            @Override
            public int measurements() {
                return m;
            }

            @Override
            public float[] reconstruct(float[] images, int count, float[] eps) {
                float[] y = Pca.measure(a, m, images, count, eps, sigma);
                float[] out = new float[count * n];
                vae.setTrainable(false);
                int chunk = 100;
                for (int from = 0; from < count; from += chunk) {
                    int k = Math.min(chunk, count - from);
                    float[] part = vae.recoverChunk(a, m, java.util.Arrays.copyOfRange(y, from * m, (from + k) * m), k,
                            lambda, restarts, steps, lr, seed + from);
                    System.arraycopy(part, 0, out, from * n, part.length);
                }
                return out;
            }
        };
    }

    /** The recovery objective ‖A·G(z) − y‖² + λ‖z‖², summed over all rows of {@code z}; {@code aT} is Aᵀ. */
    NDArray recoveryLoss(NDArray z, NDArray aT, NDArray y, double lambda) {
        NDArray residual = generate(z).matMul(aT).sub(y);
        return residual.square().sum().add(z.square().sum().mul(Tensors.scalar(z, lambda)));
    }

    float[] recoverChunk(float[] a, int m, float[] y, int k, double lambda, int restarts, int steps, float lr,
                         long seed) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray aT = sub.create(a, new Shape(m, n)).transpose();
            // rows ordered restart-major: row r·k + i is restart r of image i
            float[] yRep = new float[restarts * k * m];
            for (int r = 0; r < restarts; r++) {
                System.arraycopy(y, 0, yRep, r * k * m, k * m);
            }
            NDArray yArr = sub.create(yRep, new Shape((long) restarts * k, m));
            Random rnd = new Random(seed);
            float[] z0 = new float[restarts * k * latent];
            for (int i = 0; i < z0.length; i++) {
                z0[i] = (float) rnd.nextGaussian();
            }
            NDArray z = sub.create(z0, new Shape((long) restarts * k, latent));
            z.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("z", z);
            Adam adam = new Adam(params, sub, lr, 0.9f, 0.999f, 1e-8f, 0f);
            for (int s = 0; s < steps; s++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray loss = recoveryLoss(z, aT, yArr, lambda);
                        gc.backward(loss);
                    }
                    adam.step();
                }
            }
            return Tensors.noGrad(() -> {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray xHat = generate(z);
                    float[] err = xHat.matMul(aT).sub(yArr).square().sum(new int[] {1}).toFloatArray();
                    float[] all = xHat.toFloatArray();
                    float[] out = new float[k * n];
                    for (int i = 0; i < k; i++) {
                        int best = 0;
                        for (int r = 1; r < restarts; r++) {
                            if (err[r * k + i] < err[best * k + i]) {
                                best = r;
                            }
                        }
                        System.arraycopy(all, (best * k + i) * n, out, i * n, n);
                    }
                    return out;
                }
            });
        }
    }
}
