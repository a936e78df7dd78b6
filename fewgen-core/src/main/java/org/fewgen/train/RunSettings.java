package org.fewgen.train;

import org.fewgen.nn.Precision;
import org.fewgen.util.SettingException;

/**
 * What a training run reads, where it writes, how long it lasts and where it runs: the part of a
 * {@link TrainConfig} that is neither network nor optimiser.
 *
 * @param data the data source as given to {@code --data} (folder, zip, IDX, {@code builtin:shapes}, {@code builtin:digits}, ...)
 * @param out the folder that holds numbered run folders
 * @param batch images per step (for each of G and D); at least 2, for batch norm in G and in D's heads
 * @param kimg length of training in thousands of real images shown to D
 * @param snapKimg snapshot (and fakes grid) interval in kimg
 * @param seed seed of every random choice of the run
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}; null means {@code auto}
 * @param mirror whether real images are also shown x-flipped
 * @param logEvery steps between loss read-backs, metrics lines and progress updates
 * @param maxNonFinite consecutive non-finite steps after which the last snapshot is reloaded
 * @param precision arithmetic of convolutions and matrix products ({@code fp32}, {@code bf16}, or
 *     {@code auto} until {@link Training} resolves it for the device); null means {@code fp32}. Not
 *     part of the architecture: a resumed run may change it.
 */
public record RunSettings(String data, String out, int batch, double kimg, double snapKimg, long seed, String device,
                          boolean mirror, int logEvery, int maxNonFinite, Precision precision) {

    public static final String DEFAULT_OUT = "runs";
    public static final int DEFAULT_BATCH = 8;
    public static final double DEFAULT_KIMG = 100;
    public static final double DEFAULT_SNAP_KIMG = 10;
    public static final long DEFAULT_SEED = 0;
    public static final String DEFAULT_DEVICE = "auto";
    public static final int DEFAULT_LOG_EVERY = 10;
    public static final int DEFAULT_MAX_NON_FINITE = 3;

    public RunSettings {
        if (data == null || data.isBlank()) {
            throw new SettingException("data", null, "is required");
        }
        if (batch < 2) {
            // batch norm in G and in D's heads needs at least two samples per batch
            throw new SettingException("batch", batch, "must be at least 2");
        }
        if (!(kimg > 0) || Double.isInfinite(kimg)) {
            throw new SettingException("kimg", kimg, "must be a positive number");
        }
        if (!(snapKimg > 0)) {
            throw new SettingException("snapKimg", snapKimg, "must be a positive number of kimg");
        }
        if (logEvery < 1) {
            throw new SettingException("logEvery", logEvery, "must be at least 1");
        }
        if (maxNonFinite < 1) {
            throw new SettingException("maxNonFinite", maxNonFinite, "must be at least 1");
        }
        device = device == null ? DEFAULT_DEVICE : device;
        precision = precision == null ? Precision.FP32 : precision;
    }

    /** Steps needed to show {@code kimg} thousand images, rounded up. */
    public long totalSteps() {
        return (long) Math.ceil(kimg * 1000.0 / batch - 1e-9);
    }

    /** These settings with another precision. */
    public RunSettings withPrecision(Precision p) {
        return new RunSettings(data, out, batch, kimg, snapKimg, seed, device, mirror, logEvery, maxNonFinite, p);
    }
}
