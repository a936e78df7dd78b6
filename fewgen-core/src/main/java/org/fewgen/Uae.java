package org.fewgen;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.cs.CsData;
import org.fewgen.cs.UaeConfig;
import org.fewgen.cs.UaeRun;
import org.fewgen.cs.UncertaintyAutoencoder;
import org.fewgen.io.SafeTensors;
import org.fewgen.nn.Tensors;
import org.fewgen.util.Devices;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained Uncertainty Autoencoder: its learned measurements {@code y = f(x)} and the recovery
 * {@code x ≈ g(y)}. Images are flat row-major pixel arrays in [0, 1] (for MNIST, 784 values).
 *
 * <pre>{@code
 * try (Uae u = Uae.load(Path.of("runs/00000-uae-mnist-m25-linear"))) {
 *     float[] y = u.measure(x);
 *     float[] xHat = u.recover(y);
 * }
 * }</pre>
 *
 * Holds native memory until {@link #close()}.
 */
public final class Uae implements AutoCloseable {

    /** The weights of the best validation epoch, as {@code cs train} writes them. */
    public static final String BEST_FILE = "best.safetensors";
    public static final String CONFIG_FILE = "config.json";

    private final NDManager manager;
    private final UncertaintyAutoencoder model;
    private final UaeConfig config;
    private final Path runDir;

    private Uae(NDManager manager, UncertaintyAutoencoder model, UaeConfig config, Path runDir) {
        this.manager = manager;
        this.model = model;
        this.config = config;
        this.runDir = runDir;
        model.setTrainable(false);
        model.train(false);
    }

    /** Loads a finished run on the GPU when DJL sees one, on the CPU otherwise. */
    public static Uae load(Path runDir) {
        return load(runDir, "auto");
    }

    /**
     * @param runDir a finished UAE run folder ({@code config.json} and {@code best.safetensors})
     * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @throws IllegalArgumentException naming the folder or file when it is not a finished UAE run
     */
    public static Uae load(Path runDir, String device) {
        Path configFile = runDir.resolve(CONFIG_FILE);
        Path best = runDir.resolve(BEST_FILE);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(best)) {
            throw new IllegalArgumentException(runDir + ": not a finished UAE run (needs " + CONFIG_FILE + " and "
                    + BEST_FILE + ")");
        }
        Device d = Devices.choose(device);
        NDManager manager = NDManager.newBaseManager(d);
        try {
            UaeConfig config = UaeConfig.fromJson(Files.readString(configFile, StandardCharsets.UTF_8),
                    configFile.toString());
            SafeTensors.Content content = SafeTensors.read(best, manager);
            int pixels = outputSize(content.tensors(), best);
            NDArray fixed = null;
            if (config.encoder().equals("fixed")) {
                // any matrix of the right shape: the loaded state replaces it
                fixed = manager.zeros(new Shape(config.measurements(), pixels));
            }
            UncertaintyAutoencoder model = UaeRun.build(manager, config, pixels, fixed);
            model.loadStateDict(content.tensors(), true, best.toString());
            return new Uae(manager, model, config, runDir);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(runDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Trains a new run under {@code runsRoot} (the same run folder {@code fewgen cs train} makes) and
     * returns its best epoch's model.
     *
     * @param log where epoch lines go, or null for none
     */
    public static Uae train(UaeConfig config, Path runsRoot, String device, PrintStream log) {
        return train(config, runsRoot, device, org.fewgen.nn.Precision.FP32, log);
    }

    /**
     * As {@link #train(UaeConfig, Path, String, PrintStream)}, with training's matrix products in
     * {@code precision} ({@code auto} resolves for the device: bf16 where the hardware has it).
     */
    public static Uae train(UaeConfig config, Path runsRoot, String device, org.fewgen.nn.Precision precision,
                            PrintStream log) {
        Device d = Devices.choose(device);
        try (NDManager trainManager = NDManager.newBaseManager(d)) {
            CsData data = CsData.load(config.data()); // maxTrain is applied by the trainer
            UaeRun.Result r = UaeRun.run(config, data, trainManager, runsRoot, "uae", null, null, "", log,
                    precision.resolve(d));
            return load(r.runDir(), device);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The decoder's output size = pixels per image, from the last decoder layer's weight. */
    private static int outputSize(Map<String, NDArray> tensors, Path file) {
        int bestIndex = -1;
        long size = -1;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("decoder.") && k.endsWith(".weight")) {
                String middle = k.substring("decoder.".length(), k.length() - ".weight".length());
                int index = Integer.parseInt(middle.replaceAll("\\D.*", "").isEmpty() ? "0" : middle.replaceAll("\\D.*", ""));
                if (index > bestIndex) {
                    bestIndex = index;
                    size = e.getValue().getShape().get(0);
                }
            }
        }
        if (size < 1) {
            throw new IllegalArgumentException(file + ": no decoder weights (decoder.*.weight)");
        }
        return Math.toIntExact(size);
    }

    /**
     * The measurements of one image without the model's noise: {@code f(x)}, {@link #measurements()} values.
     *
     * @param x {@link #pixels()} values in [0, 1]
     */
    public float[] measure(float[] x) {
        requireLength("image", x, pixels());
        try (NDManager m = manager.newSubManager()) {
            NDArray in = m.create(x, new Shape(1, x.length));
            return Tensors.noGrad(() -> model.measure(in, null).toFloatArray());
        }
    }

    /**
     * The recovered image {@code g(y)}: {@link #pixels()} values in [0, 1].
     *
     * @param y {@link #measurements()} values, as {@link #measure} gives them (plus any noise)
     */
    public float[] recover(float[] y) {
        requireLength("measurement vector", y, measurements());
        try (NDManager m = manager.newSubManager()) {
            NDArray in = m.create(y, new Shape(1, y.length));
            return Tensors.noGrad(() -> model.decode(in).toFloatArray());
        }
    }

    private static void requireLength(String what, float[] v, int n) {
        if (v == null || v.length != n) {
            throw new IllegalArgumentException(what + " has " + (v == null ? "no" : v.length) + " values; this model takes "
                    + n);
        }
    }

    /** Number of measurements m. */
    public int measurements() {
        return config.measurements();
    }

    /** Pixels per image n. */
    public int pixels() {
        return model.encoder().inputSize();
    }

    /** Standard deviation of the Gaussian noise the model was trained with. */
    public float noise() {
        return model.sigma();
    }

    public UaeConfig config() {
        return config;
    }

    public Path runDir() {
        return runDir;
    }

    @Override
    public void close() {
        manager.close();
    }
}
