package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.fewgen.data.BatchLoader;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.gan.ConvKind;
import org.fewgen.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One full training step of fewgen set up so that the official Projected GAN code can run the
 * same step: narrow networks, latents and real batches from formulas (augmentation off, or drawn
 * from the step's seeded generator on both sides), after a warm-up of {@link #WARMUP} steps at
 * learning rate 0 (so Adam's second moments, the EMA and the spectral-norm vectors are not at their
 * initial values). {@code bench/reference/step_parity.py} exports the constructed state with
 * {@link #main}, runs the official warm-up and step from it and writes the fixtures that
 * {@link StepParityTest} checks.
 *
 * <p>Comparisons use {@link #sketch}: a tensor's norm and its dot products with pseudo-random ±1
 * vectors (splitmix64 of the element index, the same in the Python script). The dot products of
 * a difference estimate its L2 norm (Johnson–Lindenstrauss), so a fixture of a few kilobytes
 * bounds the relative error of tensors with millions of elements.
 */
final class StepParity {

    /**
     * One configuration of the parity grid: D's input side ({@code dInput}, the official 224 unless
     * set) and DiffAugment (off unless set; on, both sides draw from libtorch's generator seeded
     * with fewgen's step seed, whose stream PyTorch 1.13 and DJL's libtorch reproduce alike).
     */
    record Case(int resolution, ConvKind generator, ConvKind dConv, int dInput, boolean augment) {
        Case(int resolution, ConvKind generator, ConvKind dConv) {
            this(resolution, generator, dConv, 224, false);
        }

        String name() {
            return "g-" + generator.name().toLowerCase(Locale.ROOT) + "_d-" + dConv.name().toLowerCase(Locale.ROOT)
                    + "_" + resolution + (augment ? "_aug" : "") + (dInput != 224 ? "_d" + dInput : "");
        }

        private static final Pattern CASE_NAME = Pattern.compile("g-(conv|dsc)_d-(conv|dsc)_(\\d+)(_aug)?(?:_d(\\d+))?");

        /** A case of {@link #ALL}, or any other written the same way (g-dsc_d-dsc_64_d128: no augmentation). */
        static Case parse(String name) {
            for (Case c : ALL) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            Matcher m = CASE_NAME.matcher(name);
            if (!m.matches()) {
                throw new IllegalArgumentException("no parity case " + name);
            }
            return new Case(Integer.parseInt(m.group(3)), ConvKind.valueOf(m.group(1).toUpperCase(Locale.ROOT)),
                    ConvKind.valueOf(m.group(2).toUpperCase(Locale.ROOT)), m.group(5) == null ? 224
                    : Integer.parseInt(m.group(5)), m.group(4) != null);
        }
    }

    /**
     * The grid (G conv/dsc × heads conv/dsc at 64² and 256², no augmentation, D input 224), and
     * the learning curves' setting of docs/quality.md §3: dsc/dsc at 64², D input 128, DiffAugment.
     */
    static final List<Case> ALL = List.of(
            new Case(64, ConvKind.CONV, ConvKind.CONV), new Case(64, ConvKind.CONV, ConvKind.DSC),
            new Case(64, ConvKind.DSC, ConvKind.CONV), new Case(64, ConvKind.DSC, ConvKind.DSC),
            new Case(256, ConvKind.CONV, ConvKind.CONV), new Case(256, ConvKind.CONV, ConvKind.DSC),
            new Case(256, ConvKind.DSC, ConvKind.CONV), new Case(256, ConvKind.DSC, ConvKind.DSC),
            new Case(64, ConvKind.DSC, ConvKind.DSC, 128, true));

    /** Narrow networks for the fixtures; {@code -Dfewgen.parity.ngf} and {@code .batch} set others for a trajectory. */
    static final int NGF = Integer.getInteger("fewgen.parity.ngf", 8);
    static final int BATCH = Integer.getInteger("fewgen.parity.batch", 4);
    /**
     * A snapshot of a training run to start from instead of the constructed state ({@code
     * -Dfewgen.parity.from}, with the run's {@code -Dfewgen.parity.seed}, which rebuilds its projector):
     * the step's arithmetic in a trained state, where D's logits are large. With {@code
     * -Dfewgen.parity.data} (the run's data) the real batches are the run's next ones.
     */
    static final String FROM = System.getProperty("fewgen.parity.from");
    static final long SEED = Long.getLong("fewgen.parity.seed", 11);
    static final String DATA = System.getProperty("fewgen.parity.data");
    /** Steps trained before the compared one. */
    static final int WARMUP = 2;
    static final int SKETCH_DIM = 16;

    private StepParity() {
    }

    static TrainConfig config(Case c, Path out) {
        // no EMA ramp-up: with it, β after two steps is ~1e-3 and the EMA would merely copy G
        return TrainConfig.builder().data("parity").out(out.toString()).resolution(c.resolution())
                .generator(c.generator()).dConv(c.dConv()).ngf(NGF).batch(BATCH).diffAugment(c.augment())
                .dInput(c.dInput()).emaRampup(0).seed(SEED).device("cpu").build();
    }

    /**
     * Real images with large flat areas (a plain background and a plain disc per image), where
     * activations of the frozen feature network sit exactly on ReLU6's corners.
     */
    static float[] reals(int step, int batch, int res) {
        float[] out = new float[batch * 3 * res * res];
        for (int i = 0; i < batch; i++) {
            int k = step * batch + i;
            float[] bg = {1f - 0.125f * (k % 3), 0.75f + 0.0625f * (k % 5), 1f};
            float[] fg = {-0.5f + 0.25f * (k % 4), 0.875f - 0.5f * (k % 3), -1f + 0.125f * (k % 7)};
            int cx = res / 4 + (k * 7) % (res / 2);
            int cy = res / 3 + (k * 5) % (res / 3);
            int r = res / 6 + k % (res / 8);
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < res; y++) {
                    for (int x = 0; x < res; x++) {
                        boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r;
                        out[((i * 3 + ch) * res + y) * res + x] = in ? fg[ch] : bg[ch];
                    }
                }
            }
        }
        return out;
    }

    /** Latents uniform on [−√3, √3] (unit variance) from splitmix64: no transcendental functions. */
    static float[] latents(int draw, int batch, int zDim) {
        float[] z = new float[batch * zDim];
        for (int i = 0; i < z.length; i++) {
            double u = (splitmix64(((long) draw << 32) + i) >>> 11) * 0x1.0p-53;
            z[i] = (float) ((2 * u - 1) * Math.sqrt(3));
        }
        return z;
    }

    static long splitmix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@code [‖t‖, Σᵢ s₁(i)·tᵢ, …]} with signs {@code s_j(i)} = the low bit of splitmix64(j·2⁴⁰ + i). */
    static double[] sketch(double[] t) {
        double[] s = new double[SKETCH_DIM + 1];
        double norm = 0;
        for (double v : t) {
            norm += v * v;
        }
        s[0] = Math.sqrt(norm);
        for (int j = 0; j < SKETCH_DIM; j++) {
            long base = ((long) j) << 40;
            double acc = 0;
            for (int i = 0; i < t.length; i++) {
                acc += (splitmix64(base + i) & 1L) == 0 ? t[i] : -t[i];
            }
            s[j + 1] = acc;
        }
        return s;
    }

    /** A host copy of a float32 or float64 tensor, as doubles (float32 values convert exactly). */
    static double[] host(NDArray x) {
        try (NDArray d = x.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    private static float[] concat(float[][] parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static double[] difference(double[] after, double[] before) {
        double[] d = new double[after.length];
        for (int i = 0; i < after.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }

    /** What one parity step gave: losses, gradients and the state before and after, on the host. */
    static final class Result {
        float lossG;
        float lossD;
        float dReal;
        float dFake;
        /** Per compared step: loss_G, loss_D, D_real, D_fake (the fields above are the last step's). */
        final List<float[]> stepLosses = new ArrayList<>();
        final Map<String, double[]> gradients = new LinkedHashMap<>();
        final Map<String, double[]> before = new LinkedHashMap<>();
        final Map<String, double[]> after = new LinkedHashMap<>();
    }

    /** Everything of the state a step changes: G, G_ema and D (without its frozen feature network). */
    private static Map<String, double[]> state(GanTrainer t) {
        Map<String, double[]> out = new LinkedHashMap<>();
        t.generator().stateDict().forEach((k, v) -> out.put("G." + k, host(v)));
        t.generatorEma().stateDict().forEach((k, v) -> out.put("G_ema." + k, host(v)));
        t.discriminator().stateDict().forEach((k, v) -> {
            if (!Snapshot.isFrozen(k)) {
                out.put("D." + k, host(v));
            }
        });
        return out;
    }

    /**
     * Converts, in place, every tensor the step reads or writes to float64: G, G_ema, all of D and
     * both Adams' moments. The same objects stay referenced by layers, EMA and optimizers, so the
     * step then runs in float64 as the official step does in its exact run, and the two can be
     * compared to float64 rounding instead of float32's.
     */
    static void toFloat64(GanTrainer t) {
        List<NDArray> all = new ArrayList<>();
        all.addAll(t.generator().stateDict().values());
        all.addAll(t.generatorEma().stateDict().values());
        all.addAll(t.discriminator().stateDict().values());
        all.addAll(t.optimizerStates());
        for (NDArray x : all) {
            boolean grad = x.hasGradient();
            String name = x.getName();
            x.intern(x.toType(DataType.FLOAT64, true));
            forgetDataType(x);
            x.setName(name);
            if (grad) {
                x.setRequiresGradient(true);
            }
        }
        refold(t.discriminator());
    }

    /** The frozen feature network keeps batch norm folded into float32 copies of its weights: fold again. */
    private static void refold(org.fewgen.nn.Module m) {
        if (m instanceof org.fewgen.backbone.InvertedResidualNetwork net && net.isBatchNormFolded()) {
            net.foldBatchNorm(true);
        }
        m.children().values().forEach(StepParity::refold);
    }

    /**
     * DJL 0.35.1's PtNDArray caches its data type on first use and {@code intern} (which swaps the
     * native tensor under the Java object) does not clear it; a stale FLOAT32 would make every later
     * {@code getDataType}, {@code toDoubleArray} and file write wrong. Test code only.
     */
    private static void forgetDataType(NDArray x) {
        try {
            java.lang.reflect.Field f = x.getClass().getDeclaredField("dataType");
            f.setAccessible(true);
            f.set(x, null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reset the cached data type of " + x.getClass(), e);
        }
        if (x.getDataType() != DataType.FLOAT64) {
            throw new IllegalStateException(x.getName() + " is " + x.getDataType() + " after the cast");
        }
    }

    /**
     * Trains {@link #WARMUP} steps at learning rate 0 from the constructed state, then one more
     * with every gradient recorded.
     *
     * @param export folder for {@code before.safetensors} (the constructed state as a snapshot),
     *     {@code frozen.safetensors}, {@code inputs.safetensors} (every step's latents and real
     *     batch, {@code (steps, …)}) and {@code after.safetensors}, or null
     */
    static Result run(Case c, Path tmp, Path export) throws IOException {
        return run(c, tmp, export, false);
    }

    /**
     * As {@link #run(Case, Path, Path)}; with {@code float64} everything from the constructed state
     * on (warm-up and compared step) runs in float64, and its results go to
     * {@code after-float64.safetensors}.
     */
    static Result run(Case c, Path tmp, Path export, boolean float64) throws IOException {
        return run(c, tmp, export, float64, 1);
    }

    /**
     * As {@link #run(Case, Path, Path, boolean)} with {@code steps} compared steps after the
     * warm-up; gradients are the last step's, {@code before} the state after the warm-up and
     * {@code after} the state after the last step.
     */
    static Result run(Case c, Path tmp, Path export, boolean float64, int steps) throws IOException {
        TrainConfig config = config(c, tmp);
        int b = config.run().batch();
        int r = config.generator().resolution();
        int zDim = config.generator().zDim();
        Result res = new Result();
        try (GanTrainer t = new GanTrainer(config, new FastGanNetworks(), Device.cpu())) {
            if (FROM != null) {
                t.loadSnapshot(Path.of(FROM));
            }
            OptimizerConfig adam = config.optimizer();
            int total = WARMUP + steps;
            float[][] zG = new float[total][];
            float[][] zD = new float[total][];
            float[][] x = new float[total][];
            try (BatchLoader loader = DATA == null ? null
                    : new BatchLoader(ImageSources.load(DATA, r, Transform.CENTER_CROP), b, false, SEED)) {
                for (int k = 0; k < total; k++) {
                    zG[k] = latents(2 * k, b, zDim);
                    zD[k] = latents(2 * k + 1, b, zDim);
                    x[k] = loader == null ? reals(k, b, r) : loader.batch(t.step() + k);
                }
            }
            // Both sides start from the state as constructed and train the warm-up themselves: a
            // state reached by fewgen's float32 warm-up depends on how its sums split (thread count,
            // vector width), so a fixture made from it held only on the machine that wrote it (on
            // CI's machine the float64 step started ~1e-7 away and ReLU6 and hinge corners made that
            // 100% on G's gradients). The constructed state is the same everywhere (seeded draws,
            // the weights file).
            if (export != null && !float64) {
                exportState(t, export);
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    Map<String, NDArray> in = new LinkedHashMap<>();
                    in.put("z_G", m.create(concat(zG), new Shape(total, b, zDim)));
                    in.put("z_D", m.create(concat(zD), new Shape(total, b, zDim)));
                    in.put("reals", m.create(concat(x), new Shape(total, b, 3, r, r)));
                    SafeTensors.write(export.resolve("inputs.safetensors"), in, Map.ofEntries(
                            Map.entry("case", c.name()),
                            Map.entry("ema_beta", Double.toString(config.emaBeta(t.nimg()))),
                            Map.entry("nimg", Long.toString(t.nimg())), Map.entry("lr", Double.toString(adam.lr())),
                            Map.entry("beta1", Double.toString(adam.beta1())),
                            Map.entry("beta2", Double.toString(adam.beta2())),
                            Map.entry("eps", Double.toString(adam.eps())),
                            Map.entry("warmup", Integer.toString(WARMUP)), Map.entry("steps", Integer.toString(steps)),
                            // step k's seed is this + k (GanTrainer.stepSeed without recoveries)
                            Map.entry("step_seed_of_first", Long.toString(t.stepSeed(t.step()))),
                            Map.entry("d_input", Integer.toString(config.discriminator().featureInputSize()))));
                }
            }
            if (float64) {
                toFloat64(t);
            }
            // warm-up at learning rate 0: Adam's second moments, the power-iteration vectors and the
            // batch-norm statistics move on, the weights do not, so D's logits stay near 0, well
            // inside the hinge margins (where one logit crossing ±1 in the last bit would change a
            // gradient by 1/(logits per pass), a difference of rounding and not of implementation)
            t.setLearningRate(0);
            for (int k = 0; k < WARMUP; k++) {
                t.trainStep(x[k], zG[k], zD[k], false);
            }
            t.setLearningRate(adam.lr());
            res.before.putAll(state(t));
            t.setGradientObserver((who, params) -> params.forEach((k, p) -> {
                if (p.hasGradient()) {
                    res.gradients.put(who + "." + k, host(p.getGradient()));
                }
            }));
            for (int k = WARMUP; k < total; k++) {
                GanTrainer.StepResult s = t.trainStep(x[k], zG[k], zD[k], true);
                res.lossG = s.lossG();
                res.lossD = s.lossD();
                res.dReal = s.dReal();
                res.dFake = s.dFake();
                res.stepLosses.add(new float[] {s.lossG(), s.lossD(), s.dReal(), s.dFake()});
            }
            res.after.putAll(state(t));
        }
        if (export != null) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                Map<String, NDArray> out = new LinkedHashMap<>();
                res.gradients.forEach((k, v) -> out.put("grad." + k, m.create(v)));
                res.before.forEach((k, v) -> out.put("before." + k, m.create(v)));
                res.after.forEach((k, v) -> out.put("after." + k, m.create(v)));
                float[][] losses = res.stepLosses.toArray(new float[0][]);
                out.put("step_losses", m.create(concat(losses), new Shape(losses.length, 4)));
                SafeTensors.write(export.resolve(float64 ? "after-float64.safetensors" : "after.safetensors"), out, Map.of(
                        "loss_G", Float.toString(res.lossG), "loss_D", Float.toString(res.lossD),
                        "D_real", Float.toString(res.dReal), "D_fake", Float.toString(res.dFake)));
            }
        }
        return res;
    }

    /**
     * Writes the trainer's state as the official side loads it: {@code before.safetensors} (a
     * snapshot) and {@code frozen.safetensors} (D's feature network and projector, which a snapshot
     * leaves out because a resume rebuilds them from the weights file and the seed).
     */
    static void exportState(GanTrainer t, Path dir) throws IOException {
        Files.createDirectories(dir);
        t.saveSnapshot(dir.resolve("before.safetensors"));
        Map<String, NDArray> frozen = new LinkedHashMap<>();
        t.discriminator().stateDict().forEach((k, v) -> {
            if (Snapshot.isFrozen(k)) {
                frozen.put("D." + k, v);
            }
        });
        SafeTensors.write(dir.resolve("frozen.safetensors"), frozen, Map.of());
    }

    /**
     * Writes {@code forward.safetensors}: G's and D's intermediate maps on the exported state in
     * eval mode (no batch statistics, no power iteration), to locate a difference the step shows.
     */
    static void exportForward(Case c, Path export) throws IOException {
        exportForward(c, export, false);
    }

    /** As {@link #exportForward(Case, Path)}, in float64 to {@code forward-float64.safetensors} with {@code float64}. */
    static void exportForward(Case c, Path export, boolean float64) throws IOException {
        TrainConfig config = config(c, Files.createTempDirectory("parity"));
        int b = config.run().batch();
        int r = config.generator().resolution();
        try (GanTrainer t = new GanTrainer(config, new FastGanNetworks(), Device.cpu());
             NDManager m = t.manager().newSubManager()) {
            t.loadSnapshot(export.resolve("before.safetensors"));
            if (float64) {
                toFloat64(t);
            }
            t.generator().train(false);
            t.discriminator().train(false);
            Map<String, double[]> hostCopies = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            java.util.function.BiConsumer<String, NDArray> keep = (k, v) -> {
                hostCopies.put(k, host(v));
                shapes.put(k, v.getShape());
            };
            int zDim = config.generator().zDim();
            DataType type = float64 ? DataType.FLOAT64 : DataType.FLOAT32;
            NDArray z = m.create(latents(2 * WARMUP, b, zDim), new Shape(b, zDim)).toType(type, false);
            NDArray reals = m.create(reals(WARMUP, b, r), new Shape(b, 3, r, r)).toType(type, false);
            org.fewgen.nn.Tensors.noGrad(() -> {
                NDArray img = ((org.fewgen.gan.FastGanGenerator) t.generator()).forward(z,
                        (k, v) -> keep.accept("G." + k, v));
                keep.accept("G.out", img);
                ((org.fewgen.gan.ProjectedDiscriminator) t.discriminator()).forward(reals,
                        (k, v) -> keep.accept("D.real." + k, v));
                return null;
            });
            // D's gradient with respect to its input on the real batch: what G learns from
            reals.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch")
                    .newGradientCollector()) {
                gc.backward(t.discriminatorNet().apply(reals).mean());
            }
            keep.accept("D.real.input_grad", reals.getGradient());
            Map<String, NDArray> out = new LinkedHashMap<>();
            hostCopies.forEach((k, v) -> out.put(k, m.create(v, shapes.get(k))));
            SafeTensors.write(export.resolve(float64 ? "forward-float64.safetensors" : "forward.safetensors"), out, Map.of());
        }
    }

    /**
     * {@code StepParity DIR [--steps=K] [CASE...]}: exports each case (all by default) to DIR/CASE;
     * with K > 1 the states before and after K compared steps, for a trajectory comparison.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int steps = 1;
        List<Case> cases = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--steps=")) {
                steps = Integer.parseInt(args[i].substring("--steps=".length()));
            } else {
                cases.add(Case.parse(args[i]));
            }
        }
        for (Case c : cases.isEmpty() ? ALL : cases) {
            Path tmp = Files.createTempDirectory("parity");
            run(c, tmp, dir.resolve(c.name()), false, steps);
            run(c, Files.createTempDirectory("parity"), dir.resolve(c.name()), true, steps);
            if (steps == 1) {
                exportForward(c, dir.resolve(c.name()));
                exportForward(c, dir.resolve(c.name()), true);
            }
            System.out.println("exported " + dir.resolve(c.name()));
        }
    }
}
