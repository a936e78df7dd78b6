package org.fewgen.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.backbone.Backbones;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.DiscriminatorConfig;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.nn.Precision;
import org.fewgen.util.SettingException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every option of a GAN training run, resolved (no defaults left to fill in), as four immutable
 * records: the generator, the discriminator, the optimiser and the run. Each record checks its
 * own values when it is made (throwing {@link SettingException} naming the setting), so a config
 * that exists has passed every check {@code fewgen gan train} makes on its values, before anything
 * is created on disk. It is written to {@code config.json} and into each
 * snapshot's metadata, and is the single source of truth for resume and generate.
 *
 * <p>{@link #builder()} sets the same options by their flat names ({@code resolution}, {@code
 * dConv}, {@code lr}, ...) with the reference defaults. {@link #fromJson} reads the nested form
 * {@link #toJson()} writes and the flat form written before it.
 *
 * @param generator the FastGAN generator: resolution, width, latent size, up-block convolution
 * @param discriminator the projected discriminator: backbone and its weights, head convolution,
 *     DiffAugment, projector seed (the run's seed), feature-network input side
 * @param optimizer Adam and the EMA generator
 * @param run data, output folder, batch, length, snapshots, seed, device, precision, logging, recovery
 */
public record TrainConfig(GeneratorConfig generator, DiscriminatorConfig discriminator, OptimizerConfig optimizer,
                          RunSettings run) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    /**
     * The settings that fix tensor shapes, the frozen network or the step size in images, by the
     * flat names the hash has always used; a resumed run may not change them. The order is part of
     * {@link #architectureHash()}.
     */
    private static final Map<String, Function<TrainConfig, Object>> ARCHITECTURE = new LinkedHashMap<>();

    static {
        ARCHITECTURE.put("resolution", c -> c.generator.resolution());
        ARCHITECTURE.put("generator", c -> c.generator.conv());
        ARCHITECTURE.put("dConv", c -> c.discriminator.headConv());
        ARCHITECTURE.put("ngf", c -> c.generator.ngf());
        ARCHITECTURE.put("zDim", c -> c.generator.zDim());
        ARCHITECTURE.put("backbone", c -> c.discriminator.backbone());
        // batch is not a shape, but steps count images in units of the batch: fixed for a run too
        ARCHITECTURE.put("batch", c -> c.run.batch());
    }

    /** The names of the settings a resumed run may not change (as {@link SettingException} names them). */
    public static final List<String> ARCHITECTURE_FIELDS = List.copyOf(ARCHITECTURE.keySet());

    public TrainConfig {
        if (generator == null) {
            throw new SettingException("generator", null, "is required");
        }
        if (discriminator == null) {
            throw new SettingException("discriminator", null, "is required");
        }
        if (optimizer == null) {
            throw new SettingException("optimizer", null, "is required");
        }
        if (run == null) {
            throw new SettingException("run", null, "is required");
        }
    }

    /** This config with {@code precision} resolved for {@code device} ({@code auto} becomes fp32 or bf16). */
    public TrainConfig withResolvedPrecision(ai.djl.Device device) {
        Precision resolved = run.precision().resolve(device);
        return resolved == run.precision() ? this
                : new TrainConfig(generator, discriminator, optimizer, run.withPrecision(resolved));
    }

    /** Per-step EMA decay without ramp-up: {@code 0.5^(batch / (emaKimg·1000))}. */
    public double emaBeta() {
        return emaBeta(Long.MAX_VALUE);
    }

    /** Per-step EMA decay after {@code nimg} images ({@link OptimizerConfig#emaBeta} at this run's batch). */
    public double emaBeta(long nimg) {
        return optimizer.emaBeta(run.batch(), nimg);
    }

    /** The run-folder description: {@code fastgan-<generator>-<data>-<res>}. */
    public String description() {
        return "fastgan-" + generator.conv().label() + "-" + dataLabel(run.data()) + "-" + generator.resolution();
    }

    /** A short file-name-safe label of a data source ({@code builtin:shapes} → {@code shapes}). */
    public static String dataLabel(String source) {
        String s = source.replace('\\', '/');
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.startsWith("builtin:")) {
            s = s.substring("builtin:".length());
        } else if (s.contains("/")) {
            s = s.substring(s.lastIndexOf('/') + 1);
        }
        int dot = s.indexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        s = s.replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "data" : s.toLowerCase(Locale.ROOT);
    }

    /** The nested form: {@code {"generator": {...}, "discriminator": {...}, "optimizer": {...}, "run": {...}}}. */
    public String toJson() {
        return GSON.toJson(this);
    }

    public JsonObject toJsonObject() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    /**
     * Reads a config written by {@link #toJson()}, or the flat form of earlier versions (see
     * {@link #nested(JsonObject)}); every record re-validates it.
     */
    public static TrainConfig fromJson(String json) {
        JsonElement e = JsonParser.parseString(json);
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException("empty training config");
        }
        try {
            // Gson fills records through their canonical constructors, so validation runs
            return GSON.fromJson(nested(e.getAsJsonObject()), TrainConfig.class);
        } catch (com.google.gson.JsonParseException malformed) {
            throw malformed;
        } catch (RuntimeException wrapped) {
            // Gson wraps what a record's constructor throws ("Failed to invoke constructor ...")
            for (Throwable t = wrapped.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException refused) {
                    throw refused;
                }
            }
            throw wrapped;
        }
    }

    /** The flat names of earlier config files, in their order, and where each lives now. */
    private static final String[][] FLAT = {
            {"data", "run", "data"}, {"out", "run", "out"}, {"resolution", "generator", "resolution"},
            {"generator", "generator", "conv"}, {"dConv", "discriminator", "headConv"}, {"batch", "run", "batch"},
            {"kimg", "run", "kimg"}, {"ngf", "generator", "ngf"}, {"zDim", "generator", "zDim"},
            {"snapKimg", "run", "snapKimg"}, {"seed", "run", "seed"}, {"seed", "discriminator", "projectorSeed"},
            {"device", "run", "device"}, {"backbone", "discriminator", "backbone"},
            {"backboneWeights", "discriminator", "backboneWeights"}, {"mirror", "run", "mirror"},
            {"logEvery", "run", "logEvery"}, {"diffAugment", "discriminator", "diffAugment"},
            {"augPolicy", "discriminator", "augPolicy"}, {"lr", "optimizer", "lr"}, {"beta1", "optimizer", "beta1"},
            {"beta2", "optimizer", "beta2"}, {"eps", "optimizer", "eps"}, {"emaKimg", "optimizer", "emaKimg"},
            {"emaRampup", "optimizer", "emaRampup"}, {"maxNonFinite", "run", "maxNonFinite"},
            {"dInput", "discriminator", "featureInputSize"}, {"precision", "run", "precision"}};

    /**
     * A config object in the nested form, without validating it: a nested one as it is, a flat one
     * (every run folder and snapshot written before the nested records: {@code resolution},
     * {@code generator: "DSC"}, {@code dConv}, {@code dInput}, ... side by side) moved into the four
     * records. The flat {@code seed} also seeds the projector; a flat config without {@code dInput}
     * (or with 0) meant 224; one without {@code precision} meant fp32 (the record's default).
     */
    public static JsonObject nested(JsonObject config) {
        boolean flat = config.has("resolution")
                || (config.has("generator") && config.get("generator").isJsonPrimitive());
        if (!flat) {
            return config;
        }
        JsonObject out = new JsonObject();
        for (String part : List.of("generator", "discriminator", "optimizer", "run")) {
            out.add(part, new JsonObject());
        }
        for (String[] f : FLAT) {
            if (config.has(f[0])) {
                out.getAsJsonObject(f[1]).add(f[2], config.get(f[0]));
            }
        }
        JsonObject d = out.getAsJsonObject("discriminator");
        JsonElement side = d.get("featureInputSize");
        if (side == null || side.isJsonNull() || side.getAsInt() == 0) {
            d.addProperty("featureInputSize", DiscriminatorConfig.DEFAULT_FEATURE_INPUT_SIZE);
        }
        return out;
    }

    /** SHA-256 over the architecture settings: equal hashes mean a snapshot's tensors fit. */
    public String architectureHash() {
        try {
            byte[] text = architecture().toString().getBytes(StandardCharsets.UTF_8);
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text);
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The architecture settings as the flat config file held them ({@code {"resolution":64,
     * "generator":"DSC",...}}): the text {@link #architectureHash()} hashes, so hashes stay those
     * of run folders and exported generators written before the nested records.
     */
    private JsonObject architecture() {
        JsonObject arch = new JsonObject();
        ARCHITECTURE.forEach((name, value) -> arch.add(name, GSON.toJsonTree(value.apply(this))));
        return arch;
    }

    /**
     * Checks that {@code requested} keeps the architecture of this (saved) config.
     *
     * @throws SettingException naming the first setting whose value differs
     */
    public void requireSameArchitecture(TrainConfig requested) {
        JsonObject saved = architecture();
        JsonObject asked = requested.architecture();
        for (String field : ARCHITECTURE_FIELDS) {
            var a = saved.get(field);
            var b = asked.get(field);
            if (!a.equals(b)) {
                throw new SettingException(field, b.getAsString().toLowerCase(Locale.ROOT),
                        "differs from the resumed run's " + a.getAsString().toLowerCase(Locale.ROOT)
                                + " (fixed for a run: cannot change on resume)");
            }
        }
    }

    /** A builder with the reference defaults, for the CLI and tests. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sets a config's options by their flat names, with the reference defaults (the records'
     * {@code DEFAULT_} constants); {@link #from} starts from a saved config. {@link #build()} makes
     * the records, which check the values.
     */
    public static final class Builder {
        String data;
        String out = RunSettings.DEFAULT_OUT;
        int resolution = GeneratorConfig.DEFAULT_RESOLUTION;
        ConvKind generator = GeneratorConfig.DEFAULT_CONV;
        ConvKind dConv = DiscriminatorConfig.DEFAULT_HEAD_CONV;
        int batch = RunSettings.DEFAULT_BATCH;
        double kimg = RunSettings.DEFAULT_KIMG;
        int ngf = GeneratorConfig.DEFAULT_NGF;
        int zDim = GeneratorConfig.DEFAULT_Z_DIM;
        double snapKimg = RunSettings.DEFAULT_SNAP_KIMG;
        long seed = RunSettings.DEFAULT_SEED;
        /** null: the run's seed. */
        Long projectorSeed;
        String device = RunSettings.DEFAULT_DEVICE;
        String backbone = Backbones.DEFAULT;
        String backboneWeights;
        boolean mirror;
        int logEvery = RunSettings.DEFAULT_LOG_EVERY;
        boolean diffAugment = true;
        String augPolicy = DiscriminatorConfig.DEFAULT_AUG_POLICY;
        double lr = OptimizerConfig.DEFAULT_LR;
        double beta1 = OptimizerConfig.DEFAULT_BETA1;
        double beta2 = OptimizerConfig.DEFAULT_BETA2;
        double eps = OptimizerConfig.DEFAULT_EPS;
        /** null: {@link OptimizerConfig#referenceEmaKimg} of the batch. */
        Double emaKimg;
        double emaRampup = OptimizerConfig.DEFAULT_EMA_RAMPUP;
        int maxNonFinite = RunSettings.DEFAULT_MAX_NON_FINITE;
        int dInput = DiscriminatorConfig.DEFAULT_FEATURE_INPUT_SIZE;
        Precision precision = Precision.FP32;

        public static Builder from(TrainConfig c) {
            Builder b = new Builder();
            GeneratorConfig g = c.generator;
            b.resolution = g.resolution();
            b.ngf = g.ngf();
            b.zDim = g.zDim();
            b.generator = g.conv();
            DiscriminatorConfig d = c.discriminator;
            b.backbone = d.backbone();
            b.backboneWeights = d.backboneWeights();
            b.dConv = d.headConv();
            b.diffAugment = d.diffAugment();
            b.augPolicy = d.augPolicy();
            b.projectorSeed = d.projectorSeed() == c.run.seed() ? null : d.projectorSeed();
            b.dInput = d.featureInputSize();
            OptimizerConfig o = c.optimizer;
            b.lr = o.lr();
            b.beta1 = o.beta1();
            b.beta2 = o.beta2();
            b.eps = o.eps();
            b.emaKimg = o.emaKimg() == OptimizerConfig.referenceEmaKimg(c.run.batch()) ? null : o.emaKimg();
            b.emaRampup = o.emaRampup();
            RunSettings r = c.run;
            b.data = r.data();
            b.out = r.out();
            b.batch = r.batch();
            b.kimg = r.kimg();
            b.snapKimg = r.snapKimg();
            b.seed = r.seed();
            b.device = r.device();
            b.mirror = r.mirror();
            b.logEvery = r.logEvery();
            b.maxNonFinite = r.maxNonFinite();
            b.precision = r.precision();
            return b;
        }

        public Builder data(String v) { data = v; return this; }
        public Builder out(String v) { out = v; return this; }
        public Builder resolution(int v) { resolution = v; return this; }
        public Builder generator(ConvKind v) { generator = v; return this; }
        public Builder dConv(ConvKind v) { dConv = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder kimg(double v) { kimg = v; return this; }
        public Builder ngf(int v) { ngf = v; return this; }
        public Builder zDim(int v) { zDim = v; return this; }
        public Builder snapKimg(double v) { snapKimg = v; return this; }
        /** The run's seed, which also seeds D's projector unless {@link #projectorSeed} says otherwise. */
        public Builder seed(long v) { seed = v; return this; }
        /** Seeds D's random projector apart from the run ({@code null}: the run's seed, the default). */
        public Builder projectorSeed(Long v) { projectorSeed = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder backbone(String v) { backbone = v; return this; }
        public Builder backboneWeights(String v) { backboneWeights = v; return this; }
        public Builder mirror(boolean v) { mirror = v; return this; }
        public Builder logEvery(int v) { logEvery = v; return this; }
        public Builder diffAugment(boolean v) { diffAugment = v; return this; }
        public Builder augPolicy(String v) { augPolicy = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        /** Overrides the EMA half-life; by default it follows the batch size ({@code batch·10/32}). */
        public Builder emaKimg(Double v) { emaKimg = v; return this; }
        public Builder emaRampup(double v) { emaRampup = v; return this; }
        public Builder maxNonFinite(int v) { maxNonFinite = v; return this; }
        public Builder dInput(int v) { dInput = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }

        /** @throws SettingException naming the first setting a record refuses */
        public TrainConfig build() {
            // the run first: the default EMA half-life follows its batch
            RunSettings run = new RunSettings(data, out, batch, kimg, snapKimg, seed, device, mirror, logEvery,
                    maxNonFinite, precision);
            return new TrainConfig(
                    new GeneratorConfig(resolution, ngf, zDim, generator),
                    new DiscriminatorConfig(backbone, dConv, diffAugment, augPolicy,
                            projectorSeed == null ? seed : projectorSeed, dInput, backboneWeights),
                    new OptimizerConfig(lr, beta1, beta2, eps,
                            emaKimg == null ? OptimizerConfig.referenceEmaKimg(batch) : emaKimg, emaRampup),
                    run);
        }
    }
}
