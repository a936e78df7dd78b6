package org.fewgen.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.fewgen.io.SafeTensors;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Module;
import org.fewgen.nn.Precision;
import org.fewgen.nn.Tensors;
import org.fewgen.optim.Adam;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;

/**
 * The state of a Faster Projected GAN training run (G, EMA G, D, both optimizers, counters) and
 * one training step in the reference schedule:
 * <ol>
 *   <li>G phase: D's trainable heads frozen; {@code loss_G = −mean(D(G(z)))}; Adam on G.</li>
 *   <li>D phase: fakes {@code G(z')} from a fresh {@code z'} without gradients; hinge loss
 *       {@code mean(relu(1 + D(fake))) + mean(relu(1 − D(real)))}; Adam on D's trainable heads.
 *       DiffAugment runs inside D.</li>
 *   <li>EMA: {@code G_ema ← β·G_ema + (1 − β)·G}, buffers copied; β from
 *       {@link TrainConfig#emaBeta(long)} (half-life {@code batch·10/32} kimg with the reference's
 *       ramp-up).</li>
 * </ol>
 *
 * <p>Every random number of a step comes from libtorch's generator seeded with a function of
 * (seed, step) at the start of the step, and the real batch is a function of the step too. A run
 * resumed from a snapshot therefore continues bit-identically (on the CPU) without any saved RNG
 * state.
 *
 * <p>Native memory: long-lived tensors (weights, moments, fixed grid latents) live in
 * {@link #manager()}; each step runs in an {@link NDScope} plus a sub-manager, so the number of
 * arrays the model manager holds stays constant.
 */
public final class GanTrainer implements AutoCloseable {

    /** Images in the fixed-latent grids ({@code fakes_*.png}). */
    public static final int GRID_IMAGES = 64;

    private final TrainConfig config;
    private final NDManager manager;
    private final Net generator;
    private final Net generatorEma;
    private final Net discriminator;
    private final Map<String, NDArray> discriminatorTrainable;
    private final Adam optG;
    private final Adam optD;
    private final Ema ema;
    private final NDArray gridLatents;
    private final Engine engine = Engine.getEngine("PyTorch");
    private final Precision precision;

    private long step;
    private long nimg;
    private long recoveries;
    /** SHA-256 of D's frozen tensors: they never change, so it is hashed once, not at every snapshot. */
    private String frozenFingerprint;
    private double trainSeconds;
    private PhaseTimer timer;
    private LongPredicate nonFiniteInjector;
    private BiConsumer<String, Map<String, NDArray>> gradientObserver;
    private Runnable beforeBackward;

    /** What one step did; logit means and losses are NaN unless they were read back. */
    public record StepResult(long step, boolean gSkipped, boolean dSkipped, float lossG, float lossD,
                             float dReal, float dFake) {
        public boolean nonFinite() {
            return gSkipped || dSkipped;
        }
    }

    /**
     * Builds fresh networks (random G and D heads, G_ema = G) and optimizers on {@code device}.
     */
    public GanTrainer(TrainConfig config, NetworkFactory factory, Device device) {
        this.config = config;
        this.precision = config.run().precision().resolve(device);
        this.manager = NDManager.newBaseManager(device);
        // weights are drawn from the seed too, so two runs with one seed start from the same G and D
        JniUtils.setSeed(config.run().seed());
        this.generator = factory.generator(manager, config);
        this.generatorEma = factory.generator(manager, config);
        this.discriminator = factory.discriminator(manager, config);
        generator.module().train(true);
        generatorEma.module().setTrainable(false);
        generatorEma.module().train(false);
        discriminator.module().train(true);

        // D's feature network and projector are frozen by D itself; only the heads train
        this.discriminatorTrainable = new LinkedHashMap<>();
        discriminator.module().namedParameters().forEach((name, p) -> {
            if (p.hasGradient()) {
                discriminatorTrainable.put(name, p);
            }
        });
        if (discriminatorTrainable.isEmpty()) {
            throw new IllegalStateException("the discriminator has no trainable parameters");
        }
        OptimizerConfig o = config.optimizer();
        this.optG = new Adam(generator.module(), o.lr(), o.beta1(), o.beta2(), o.eps(), 0);
        this.optD = new Adam(discriminatorTrainable, manager, o.lr(), o.beta1(), o.beta2(), o.eps(), 0);
        this.ema = new Ema(generator.module(), generatorEma.module());
        ema.copy();
        this.gridLatents = manager.create(latents(config.run().seed(), GRID_IMAGES, config.generator().zDim()),
                new Shape(GRID_IMAGES, config.generator().zDim()));
        gridLatents.setName("grid_latents");
    }

    /**
     * Latents from a Java {@link Random}: identical on every device and engine version, so a grid
     * or a per-seed sample means the same thing everywhere. The seed is mixed first: the first
     * values of {@code new Random(s)} for small consecutive {@code s} are nearly the same, so the
     * per-seed latents of {@code gan generate --seeds 0-255} and {@code gan fid} had a first
     * component with mean 0.88 and standard deviation 0.67 instead of 0 and 1.
     *
     * @return {@code (count, zDim)} standard normal values, row-major
     */
    public static float[] latents(long seed, int count, int zDim) {
        Random r = new Random(new java.util.SplittableRandom(seed).nextLong());
        float[] z = new float[count * zDim];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        return z;
    }

    /** The seed of libtorch's generator for step {@code s} (package-private: the parity fixtures record it). */
    long stepSeed(long s) {
        // a large odd multiplier keeps (seed, step) pairs apart; recoveries move to fresh randomness
        return config.run().seed() * 1_000_003L + s + recoveries * 0x9E3779B97F4A7C15L;
    }

    public void setPhaseTimer(PhaseTimer timer) {
        this.timer = timer;
    }

    /** Test hook: when it answers true for a step, that step's G loss is made NaN. */
    public void setNonFiniteInjector(LongPredicate injector) {
        this.nonFiniteInjector = injector;
    }

    /**
     * Test hook: sees {@code ("G", G's parameters)} and {@code ("D", D's trainable parameters)}
     * with their gradients just before each optimizer step (the step zeroes them), for the parity
     * fixtures.
     */
    void setGradientObserver(BiConsumer<String, Map<String, NDArray>> observer) {
        this.gradientObserver = observer;
    }

    /**
     * Test hook: runs just before each backward pass, G's and D's, while autograd holds what the
     * forward saved (a test collects garbage there and reuses freed memory, which must change
     * nothing).
     */
    void setBeforeBackward(Runnable hook) {
        this.beforeBackward = hook;
    }

    private void runBeforeBackward() {
        if (beforeBackward != null) {
            beforeBackward.run();
        }
    }

    private void lap(Phase p) {
        if (timer != null) {
            timer.phaseEnded(p);
        }
    }

    /**
     * Runs one training step on the real batch {@code data.batch(step())}.
     *
     * @param readBack whether to read D's mean logits back to the host (a device sync); the losses
     *     are read every step because a non-finite loss must stop its update
     */
    public StepResult trainStep(TrainingData data, boolean readBack) {
        return trainStep(data.batch(step), null, null, readBack);
    }

    /**
     * One training step on a given real batch; {@code zG} and {@code zD} are the latents of the G
     * and D phases ({@code (batch, zDim)} row-major), or null to draw them from the step's
     * generator as {@link #trainStep(TrainingData, boolean)} does. Given latents make a step
     * comparable with another implementation's (the parity fixtures).
     */
    StepResult trainStep(float[] realHost, float[] zG, float[] zD, boolean readBack) {
        long s = step;
        JniUtils.setSeed(stepSeed(s));
        if (timer != null) {
            timer.stepStarted();
        }
        int b = config.run().batch();
        int r = config.generator().resolution();
        if (realHost.length != b * 3 * r * r) {
            throw new IllegalStateException("data batch has " + realHost.length + " values, expected (" + b + ", 3, "
                    + r + ", " + r + ")");
        }
        StepResult result;
        try (Autocast.Scope cast = Autocast.enter(precision);
             NDScope scope = new NDScope(); NDManager sm = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray reals = Tensors.as(sm.create(realHost, new Shape(b, 3, r, r)), parameterType());
            float lossGValue = generatorStep(sm, zG, s);
            if (!Float.isFinite(lossGValue)) {
                result = new StepResult(s, true, false, lossGValue, Float.NaN, Float.NaN, Float.NaN);
            } else {
                NDArray z = zD == null ? sm.randomNormal(new Shape(b, config.generator().zDim())) : latents(sm, zD);
                DStep d = discriminatorStep(reals, z, readBack);
                if (d.skipped()) {
                    result = new StepResult(s, false, true, lossGValue, d.loss(), Float.NaN, Float.NaN);
                } else {
                    // nimg still counts the images before this step, as in the reference
                    ema.update(config.emaBeta(nimg));
                    lap(Phase.EMA);
                    result = new StepResult(s, false, false, lossGValue, d.loss(), d.real(), d.fake());
                }
            }
        }
        step++;
        nimg += b;
        return result;
    }

    /**
     * The type of G's parameters: float32, or float64 where {@code StepParity} casts the whole
     * state to compare fewgen's arithmetic with the float64 reference; given inputs take it.
     */
    private DataType parameterType() {
        return generator.module().namedParameters().values().iterator().next().getDataType();
    }

    private NDArray latents(NDManager sm, float[] z) {
        int b = config.run().batch();
        if (z.length != b * config.generator().zDim()) {
            throw new IllegalArgumentException("latents have " + z.length + " values, expected (" + b + ", "
                    + config.generator().zDim() + ")");
        }
        return Tensors.as(sm.create(z, new Shape(b, config.generator().zDim())), parameterType());
    }

    /**
     * The G phase: D's trainable heads frozen, {@code loss_G} from {@link HingeLoss#generator} on
     * {@code G(z)}, backward into G (through D's frozen layers), Adam on G unless the loss is not
     * finite.
     *
     * @param zHost latents, or null to draw them
     * @return the loss before the update
     */
    float generatorStep(NDManager parent, float[] zHost, long s) {
        float lossGValue;
        setDiscriminatorTrainable(false);
        // a scope of its own: its activations (G's and D's, kept for backward) are freed before
        // the D phase starts, which lowers the step's peak memory
        try (NDScope gScope = new NDScope(); NDManager gm = parent.newSubManager()) {
            gScope.suppressNotUsedWarning();
            NDArray z = zHost == null ? gm.randomNormal(new Shape(config.run().batch(), config.generator().zDim()))
                    : latents(gm, zHost);
            lap(Phase.DATA);
            // gradients flow through D into G, D's heads collect none
            NDArray lossG;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray logits = discriminator.apply(generator.apply(z));
                lossG = HingeLoss.generator(logits);
                if (nonFiniteInjector != null && nonFiniteInjector.test(s)) {
                    lossG = lossG.add(Float.NaN);
                }
                lap(Phase.G_FORWARD);
                runBeforeBackward();
                gc.backward(lossG);
                lap(Phase.G_BACKWARD);
            }
            lossGValue = Tensors.floatValue(lossG);
        } finally {
            setDiscriminatorTrainable(true);
        }
        if (!Float.isFinite(lossGValue)) {
            optG.zeroGradients();
        } else {
            if (gradientObserver != null) {
                gradientObserver.accept("G", generator.module().namedParameters());
            }
            optG.step();
            lap(Phase.G_OPTIMIZER);
        }
        return lossGValue;
    }

    /** What the D phase did; {@code real}/{@code fake} are D's mean logits (NaN unless read back). */
    record DStep(float loss, boolean skipped, float real, float fake) {
    }

    /**
     * The D phase: fakes {@code G(z)} without gradients (G in training mode, as the reference),
     * {@link HingeLoss#discriminator} on D's logits of fakes and reals, backward into D's trainable
     * heads, Adam on them unless the loss is not finite.
     */
    DStep discriminatorStep(NDArray reals, NDArray z, boolean readBack) {
        NDArray fakes = Tensors.noGrad(() -> generator.apply(z));
        NDArray lossD;
        NDArray fakeLogits;
        NDArray realLogits;
        try (GradientCollector gc = engine.newGradientCollector()) {
            fakeLogits = discriminator.apply(fakes);
            lap(Phase.D_FORWARD_FAKE);
            realLogits = discriminator.apply(reals);
            lap(Phase.D_FORWARD_REAL);
            lossD = HingeLoss.discriminator(realLogits, fakeLogits);
            runBeforeBackward();
            gc.backward(lossD);
            lap(Phase.D_BACKWARD);
        }
        float lossDValue = Tensors.floatValue(lossD);
        if (!Float.isFinite(lossDValue)) {
            optD.zeroGradients();
            return new DStep(lossDValue, true, Float.NaN, Float.NaN);
        }
        if (gradientObserver != null) {
            gradientObserver.accept("D", discriminatorTrainable);
        }
        optD.step();
        lap(Phase.D_OPTIMIZER);
        float dReal = Float.NaN;
        float dFake = Float.NaN;
        if (readBack) {
            dReal = Tensors.floatValue(realLogits.mean());
            dFake = Tensors.floatValue(fakeLogits.mean());
        }
        return new DStep(lossDValue, false, dReal, dFake);
    }

    private void setDiscriminatorTrainable(boolean on) {
        for (NDArray p : discriminatorTrainable.values()) {
            p.setRequiresGradient(on);
        }
    }

    /**
     * Images of the EMA generator (eval mode) at the fixed grid latents.
     *
     * @return {@code (64, 3, R, R)} in [-1, 1]
     */
    public float[] sampleGrid() {
        return sample(generatorEma, gridLatents);
    }

    /**
     * Images of the EMA generator (eval mode) for arbitrary latents, e.g. for FID during training.
     *
     * @param latents {@code (n, zDim)} row-major
     * @return {@code (n, 3, R, R)} in [-1, 1], row-major
     */
    public float[] sampleEma(float[] latents) {
        int n = latents.length / config.generator().zDim();
        try (NDScope scope = new NDScope(); NDManager sm = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            return sample(generatorEma, sm.create(latents, new Shape(n, config.generator().zDim())));
        }
    }

    /** Runs {@code net} in chunks of the batch size without gradients; {@code z} is {@code (N, zDim)}. */
    float[] sample(Net net, NDArray z) {
        int n = (int) z.getShape().get(0);
        int r = config.generator().resolution();
        float[] out = new float[n * 3 * r * r];
        int chunk = Math.max(1, config.run().batch());
        boolean wasTraining = net.module().isTraining();
        net.module().train(false);
        try (Autocast.Scope cast = Autocast.enter(precision)) {
            for (int i = 0; i < n; i += chunk) {
                int end = Math.min(n, i + chunk);
                int from = i;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    float[] part = Tensors.noGrad(() -> net.apply(z.get(from + ":" + end)).toFloatArray());
                    System.arraycopy(part, 0, out, from * 3 * r * r, part.length);
                }
            }
        } finally {
            net.module().train(wasTraining);
        }
        return out;
    }

    /** Writes everything a resume needs to one snapshot file, atomically. */
    public void saveSnapshot(Path file) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Snapshot.putAll(tensors, Snapshot.PREFIX_G, generator.module().stateDict());
        Snapshot.putAll(tensors, Snapshot.PREFIX_G_EMA, generatorEma.module().stateDict());
        // the frozen feature network and the fixed projector are rebuilt from the weights file and
        // the seed on resume; only their fingerprint is kept, to refuse a different rebuild
        Map<String, NDArray> d = discriminator.module().stateDict();
        Snapshot.putAll(tensors, Snapshot.PREFIX_D, Snapshot.withoutFrozen(d));
        Snapshot.putAll(tensors, Snapshot.PREFIX_OPT_G, optG.state());
        Snapshot.putAll(tensors, Snapshot.PREFIX_OPT_D, optD.state());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Snapshot.META_CONFIG, config.toJsonObject().toString());
        meta.put(Snapshot.META_CONFIG_HASH, config.architectureHash());
        meta.put(Snapshot.META_STEP, Long.toString(step));
        meta.put(Snapshot.META_NIMG, Long.toString(nimg));
        meta.put(Snapshot.META_OPT_G_STEP, Long.toString(optG.getStep()));
        meta.put(Snapshot.META_OPT_D_STEP, Long.toString(optD.getStep()));
        meta.put(Snapshot.META_RECOVERIES, Long.toString(recoveries));
        meta.put("train_seconds", Double.toString(trainSeconds));
        meta.put("fewgen_version", Provenance.fewgenVersion());
        meta.put(Snapshot.META_FROZEN_SHA256, frozenFingerprint(d));
        // on a GPU the host copies made while writing are new arrays: the scope closes them
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Snapshot.write(file, tensors, meta);
        }
    }

    /**
     * Restores every tensor and counter from a snapshot of a run with the same architecture.
     *
     * @throws IllegalArgumentException naming the snapshot and what does not fit
     */
    public void loadSnapshot(Path file) throws IOException {
        Map<String, String> meta = Snapshot.validate(file);
        String hash = meta.get(Snapshot.META_CONFIG_HASH);
        if (!config.architectureHash().equals(hash)) {
            TrainConfig saved = TrainConfig.fromJson(meta.get(Snapshot.META_CONFIG));
            saved.requireSameArchitecture(config);
        }
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> all = SafeTensors.read(file, tmp).tensors();
            String origin = file.getFileName().toString();
            generator.module().loadStateDict(Snapshot.strip(all, Snapshot.PREFIX_G), true, origin);
            generatorEma.module().loadStateDict(Snapshot.strip(all, Snapshot.PREFIX_G_EMA), true, origin);
            Map<String, NDArray> d = discriminator.module().stateDict();
            String frozen = meta.get(Snapshot.META_FROZEN_SHA256);
            if (frozen != null && !frozen.equals(frozenFingerprint(d))) {
                throw new IllegalArgumentException(origin + ": the feature network or projector rebuilt now differs"
                        + " from the one this run was trained with (backbone weights file changed?)");
            }
            Map<String, NDArray> savedD = Snapshot.strip(all, Snapshot.PREFIX_D);
            // snapshots store no frozen tensors (older ones do: those are loaded as saved)
            d.forEach((name, tensor) -> {
                if (Snapshot.isFrozen(name)) {
                    savedD.putIfAbsent(name, tensor);
                }
            });
            discriminator.module().loadStateDict(savedD, true, origin);
            optG.loadState(Snapshot.strip(all, Snapshot.PREFIX_OPT_G), Long.parseLong(meta.get(Snapshot.META_OPT_G_STEP)),
                    origin);
            optD.loadState(Snapshot.strip(all, Snapshot.PREFIX_OPT_D), Long.parseLong(meta.get(Snapshot.META_OPT_D_STEP)),
                    origin);
        }
        step = Long.parseLong(meta.get(Snapshot.META_STEP));
        nimg = Long.parseLong(meta.get(Snapshot.META_NIMG));
        recoveries = Long.parseLong(meta.getOrDefault(Snapshot.META_RECOVERIES, "0"));
        trainSeconds = Double.parseDouble(meta.getOrDefault("train_seconds", "0"));
    }

    private String frozenFingerprint(Map<String, NDArray> dState) {
        if (frozenFingerprint == null) {
            frozenFingerprint = Snapshot.frozenFingerprint(dState);
        }
        return frozenFingerprint;
    }

    public TrainConfig config() {
        return config;
    }

    /** The precision of this trainer's steps and samples ({@code auto} resolved for its device). */
    public Precision precision() {
        return precision;
    }

    /** The manager owning G, G_ema, D, the optimizer moments and the grid latents. */
    public NDManager manager() {
        return manager;
    }

    public Module generator() {
        return generator.module();
    }

    public Module generatorEma() {
        return generatorEma.module();
    }

    public Module discriminator() {
        return discriminator.module();
    }

    /** Test hook: both optimizers' moment tensors (StepParity converts them to float64 with the rest). */
    java.util.List<NDArray> optimizerStates() {
        java.util.List<NDArray> out = new java.util.ArrayList<>(optG.state().values());
        out.addAll(optD.state().values());
        return out;
    }

    /** Test hook: the learning rate of both optimizers from the next step on. */
    void setLearningRate(double lr) {
        optG.setLearningRate(lr);
        optD.setLearningRate(lr);
    }

    Net generatorNet() {
        return generator;
    }

    Net discriminatorNet() {
        return discriminator;
    }

    /** Steps done so far (the index of the next step). */
    public long step() {
        return step;
    }

    /** Real images shown to D so far. */
    public long nimg() {
        return nimg;
    }

    public long recoveries() {
        return recoveries;
    }

    /** Switches to fresh randomness after a reload (recorded in later snapshots). */
    void setRecoveries(long recoveries) {
        this.recoveries = recoveries;
    }

    public double trainSeconds() {
        return trainSeconds;
    }

    void addTrainSeconds(double seconds) {
        trainSeconds += seconds;
    }

    @Override
    public void close() {
        manager.close();
    }
}
