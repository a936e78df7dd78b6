package org.fewgen.cli;

import org.fewgen.cs.Toy;
import org.fewgen.util.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen cs toy}: PCA vs UAE on a 2-D Gaussian mixture measured in one dimension. */
@Command(name = "toy", mixinStandardHelpOptions = true,
        description = "2-D Gaussian mixture -> 1 noisy measurement: PCA's vs the learned UAE direction, and both recoveries, as one PNG.")
public final class CsToyCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "uae-toy.png", description = "PNG to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--samples", defaultValue = "100", description = "test samples shown (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--noise", defaultValue = "0.1", description = "measurement noise sigma (default: ${DEFAULT-VALUE})")
    float noise;

    @Option(names = "--steps", defaultValue = "3000", description = "training steps of each model (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Override
    public Integer call() throws Exception {
        if (samples < 1 || steps < 1) {
            throw new IllegalArgumentException("--samples and --steps must be positive");
        }
        Toy.Outcome o = Toy.run(out, samples, noise, steps, seed, Devices.choose(device.name()));
        System.out.printf(Locale.ROOT, "PCA direction (%.3f, %.3f): test MSE %.3f%n", o.pcaDirection()[0],
                o.pcaDirection()[1], o.pcaMse());
        System.out.printf(Locale.ROOT, "UAE direction (%.3f, %.3f): test MSE %.3f%n", o.uaeDirection()[0],
                o.uaeDirection()[1], o.uaeMse());
        System.out.println("wrote " + out);
        return 0;
    }
}
