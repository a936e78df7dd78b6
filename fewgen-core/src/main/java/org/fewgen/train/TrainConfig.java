package org.fewgen.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.DiffAugment;
import org.fewgen.gan.DiscriminatorConfig;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.nn.Precision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of a GAN training run, resolved (no defaults left to fill in). It is written to
 * {@code config.json} and into each snapshot's metadata, and is the single source of truth for
 * resume and generate.
 *
 * @param data the data source as given to {@code --data} (folder, zip, IDX, {@code builtin:shapes}, {@code builtin:digits}, ...)
 * @param out the folder that holds numbered run folders
 * @param resolution image side in pixels
 * @param generator convolution of the generator's up-blocks
 * @param dConv convolution of the discriminator heads' down-blocks
 * @param batch images per step (for each of G and D)
 * @param kimg length of training in thousands of real images shown to D
 * @param ngf generator width
 * @param zDim latent size
 * @param snapKimg snapshot (and fakes grid) interval in kimg
 * @param seed seed of every random choice of the run
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param backbone feature network name
 * @param backboneWeights timm-named safetensors file of the feature network, or null for the bundled weights
 * @param mirror whether real images are also shown x-flipped
 * @param logEvery steps between loss read-backs, metrics lines and progress updates
 * @param diffAugment whether D augments everything it sees
 * @param augPolicy DiffAugment policy, comma-separated
 * @param lr Adam learning rate of both networks
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 * @param eps Adam denominator guard
 * @param emaKimg half-life of the EMA generator in kimg
 * @param emaRampup the half-life is at most {@code nimg·emaRampup} images early in training (the
 *     reference's 0.05), so the average follows G closely at first; 0 switches the ramp-up off
 * @param maxNonFinite consecutive non-finite steps after which the last snapshot is reloaded
 * @param dInput side that images smaller than it are resized up to before D's feature network
 *     (224 as the reference; 0 in configs written before the option means 224)
 * @param precision arithmetic of convolutions and matrix products ({@code fp32}, {@code bf16}, or
 *     {@code auto} until {@link Training} resolves it for the device; a config written before the
 *     option has none and means {@code fp32}). Not part of the architecture: a resumed run may change it.
 */
public record TrainConfig(
        String data,
        String out,
        int resolution,
        ConvKind generator,
        ConvKind dConv,
        int batch,
        double kimg,
        int ngf,
        int zDim,
        double snapKimg,
        long seed,
        String device,
        String backbone,
        String backboneWeights,
        boolean mirror,
        int logEvery,
        boolean diffAugment,
        String augPolicy,
        double lr,
        double beta1,
        double beta2,
        double eps,
        double emaKimg,
        double emaRampup,
        int maxNonFinite,
        int dInput,
        Precision precision) {

    /** The reference DiffAugment policy of Projected GAN. */
    public static final String DEFAULT_AUG_POLICY = "color,translation,cutout";
    /** Adam's learning rate of the reference. */
    public static final double DEFAULT_LR = 2e-4;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    /**
     * Settings that fix tensor shapes, the frozen network or the step size in images; a resumed
     * run may not change them.
     */
    public static final java.util.List<String> ARCHITECTURE_FIELDS =
            // batch is not a shape, but steps count images in units of the batch: fixed for a run too
            java.util.List.of("resolution", "generator", "dConv", "ngf", "zDim", "backbone", "batch");

    public TrainConfig {
        if (data == null || data.isBlank()) {
            throw new org.fewgen.util.SettingException("data", null, "is required");
        }
        if (resolution < 8 || resolution > 1024 || Integer.bitCount(resolution) != 1) {
            // FastGAN needs 64 and more (generatorConfig()); smaller sides serve test networks
            throw new org.fewgen.util.SettingException("resolution", resolution, "must be a power of two between 8 and 1024");
        }
        if (generator == null) {
            throw new org.fewgen.util.SettingException("generator", null, "must be conv or dsc");
        }
        if (dConv == null) {
            throw new org.fewgen.util.SettingException("dConv", null, "must be conv or dsc");
        }
        if (batch < 2) {
            // batch norm in G and in D's heads needs at least two samples per batch
            throw new org.fewgen.util.SettingException("batch", batch, "must be at least 2");
        }
        if (!(kimg > 0) || Double.isInfinite(kimg)) {
            throw new org.fewgen.util.SettingException("kimg", kimg, "must be a positive number");
        }
        if (ngf < 1) {
            throw new org.fewgen.util.SettingException("ngf", ngf, "must be positive");
        }
        if (zDim < 1) {
            throw new org.fewgen.util.SettingException("zDim", zDim, "must be positive");
        }
        if (!(snapKimg > 0)) {
            throw new org.fewgen.util.SettingException("snapKimg", snapKimg, "must be a positive number of kimg");
        }
        if (logEvery < 1) {
            throw new org.fewgen.util.SettingException("logEvery", logEvery, "must be at least 1");
        }
        if (!(lr > 0) || beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || !(eps > 0)) {
            throw new IllegalArgumentException("Adam settings out of range: lr " + lr + ", betas " + beta1 + "/"
                    + beta2 + ", eps " + eps);
        }
        if (!(emaKimg > 0)) {
            throw new IllegalArgumentException("EMA half-life must be positive, not " + emaKimg + " kimg");
        }
        if (!(emaRampup >= 0)) {
            throw new IllegalArgumentException("EMA ramp-up must be >= 0, not " + emaRampup);
        }
        if (maxNonFinite < 1) {
            throw new IllegalArgumentException("max non-finite steps must be at least 1, not " + maxNonFinite);
        }
        dInput = dInput == 0 ? DiscriminatorConfig.DEFAULT_FEATURE_INPUT_SIZE : dInput;
        DiscriminatorConfig.checkFeatureInputSize(dInput);
        device = device == null ? "auto" : device;
        precision = precision == null ? Precision.FP32 : precision;
        augPolicy = augPolicy == null ? DEFAULT_AUG_POLICY : augPolicy;
        DiffAugment.parsePolicy(augPolicy); // fails naming the unknown operation
    }

    /**
     * The FastGAN generator's shape; checks what FastGAN needs beyond this record (resolution 64
     * and more, ngf a multiple of 8).
     *
     * @throws org.fewgen.util.SettingException naming the setting
     */
    public GeneratorConfig generatorConfig() {
        return new GeneratorConfig(resolution, ngf, zDim, generator);
    }

    /** The projected discriminator's settings (its projector seeded with the run's seed). */
    public DiscriminatorConfig discriminatorConfig() {
        return new DiscriminatorConfig(backbone, dConv, diffAugment, augPolicy, seed, dInput);
    }

    /** This config with {@code precision} resolved for {@code device} ({@code auto} becomes fp32 or bf16). */
    public TrainConfig withResolvedPrecision(ai.djl.Device device) {
        Precision resolved = precision.resolve(device);
        return resolved == precision ? this : Builder.from(this).precision(resolved).build();
    }

    /** The reference EMA half-life for a batch size: {@code batch·10/32} kimg. */
    public static double referenceEmaKimg(int batch) {
        return batch * 10.0 / 32.0;
    }

    /** Per-step EMA decay without ramp-up: {@code 0.5^(batch / (emaKimg·1000))}. */
    public double emaBeta() {
        return emaBeta(Long.MAX_VALUE);
    }

    /**
     * Per-step EMA decay after {@code nimg} images, as the reference computes it:
     * {@code 0.5^(batch / min(emaKimg·1000, nimg·emaRampup))}.
     */
    public double emaBeta(long nimg) {
        double emaImages = emaKimg * 1000.0;
        if (emaRampup > 0) {
            emaImages = Math.min(emaImages, nimg * emaRampup);
        }
        return Math.pow(0.5, batch / Math.max(emaImages, 1e-8));
    }

    /** Steps needed to show {@code kimg} thousand images, rounded up. */
    public long totalSteps() {
        return (long) Math.ceil(kimg * 1000.0 / batch - 1e-9);
    }

    /** The run-folder description: {@code fastgan-<generator>-<data>-<res>}. */
    public String description() {
        return "fastgan-" + generator.name().toLowerCase(Locale.ROOT) + "-" + dataLabel(data) + "-" + resolution;
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

    public String toJson() {
        return GSON.toJson(this);
    }

    public JsonObject toJsonObject() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    /** Reads a config written by {@link #toJson()}; the canonical constructor re-validates it. */
    public static TrainConfig fromJson(String json) {
        TrainConfig raw = GSON.fromJson(json, TrainConfig.class);
        if (raw == null) {
            throw new IllegalArgumentException("empty training config");
        }
        // Gson fills records through the canonical constructor, so validation has already run
        return raw;
    }

    /** SHA-256 over the architecture fields: equal hashes mean a snapshot's tensors fit. */
    public String architectureHash() {
        JsonObject all = toJsonObject();
        JsonObject arch = new JsonObject();
        for (String field : ARCHITECTURE_FIELDS) {
            arch.add(field, all.get(field));
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(arch.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks that {@code requested} keeps the architecture of this (saved) config.
     *
     * @throws org.fewgen.util.SettingException naming the first setting whose value differs
     */
    public void requireSameArchitecture(TrainConfig requested) {
        JsonObject saved = toJsonObject();
        JsonObject asked = requested.toJsonObject();
        for (String field : ARCHITECTURE_FIELDS) {
            var a = saved.get(field);
            var b = asked.get(field);
            if (!a.equals(b)) {
                throw new org.fewgen.util.SettingException(field, b.getAsString().toLowerCase(Locale.ROOT),
                        "differs from the resumed run's " + a.getAsString().toLowerCase(Locale.ROOT)
                                + " (fixed for a run: cannot change on resume)");
            }
        }
    }

    /** A builder with the reference defaults, for the CLI and tests. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder whose defaults are the reference settings; {@link #from} starts from a saved config. */
    public static final class Builder {
        String data;
        String out = "runs";
        int resolution = 256;
        ConvKind generator = ConvKind.DSC;
        ConvKind dConv = ConvKind.CONV;
        int batch = 8;
        double kimg = 100;
        int ngf = 128;
        int zDim = 256;
        double snapKimg = 10;
        long seed = 0;
        String device = "auto";
        String backbone = "mobilenetv2_100";
        String backboneWeights;
        boolean mirror;
        int logEvery = 10;
        boolean diffAugment = true;
        String augPolicy = DEFAULT_AUG_POLICY;
        double lr = DEFAULT_LR;
        double beta1 = 0;
        double beta2 = 0.99;
        double eps = 1e-8;
        Double emaKimg;
        double emaRampup = 0.05;
        int maxNonFinite = 3;
        int dInput = DiscriminatorConfig.DEFAULT_FEATURE_INPUT_SIZE;
        Precision precision = Precision.FP32;

        public static Builder from(TrainConfig c) {
            Builder b = new Builder();
            b.data = c.data;
            b.out = c.out;
            b.resolution = c.resolution;
            b.generator = c.generator;
            b.dConv = c.dConv;
            b.batch = c.batch;
            b.kimg = c.kimg;
            b.ngf = c.ngf;
            b.zDim = c.zDim;
            b.snapKimg = c.snapKimg;
            b.seed = c.seed;
            b.device = c.device;
            b.backbone = c.backbone;
            b.backboneWeights = c.backboneWeights;
            b.mirror = c.mirror;
            b.logEvery = c.logEvery;
            b.diffAugment = c.diffAugment;
            b.augPolicy = c.augPolicy;
            b.lr = c.lr;
            b.beta1 = c.beta1;
            b.beta2 = c.beta2;
            b.eps = c.eps;
            b.emaKimg = c.emaKimg == referenceEmaKimg(c.batch) ? null : c.emaKimg;
            b.emaRampup = c.emaRampup;
            b.maxNonFinite = c.maxNonFinite;
            b.dInput = c.dInput;
            b.precision = c.precision;
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
        public Builder seed(long v) { seed = v; return this; }
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

        public TrainConfig build() {
            return new TrainConfig(data, out, resolution, generator, dConv, batch, kimg, ngf, zDim, snapKimg, seed,
                    device, backbone, backboneWeights, mirror, logEvery, diffAugment, augPolicy, lr, beta1, beta2,
                    eps, emaKimg == null ? referenceEmaKimg(batch) : emaKimg, emaRampup, maxNonFinite, dInput,
                    precision);
        }
    }
}
