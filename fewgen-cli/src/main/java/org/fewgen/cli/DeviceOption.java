package org.fewgen.cli;

import org.fewgen.train.RunSettings;
import picocli.CommandLine.Option;

/**
 * {@code --device auto|cpu|gpu[:N]} as a picocli mixin: the same name, label, default and
 * explanation in every command that computes. The value goes to {@link org.fewgen.util.Devices#choose},
 * the one parser of device names.
 */
final class DeviceOption {

    @Option(names = "--device", paramLabel = "auto|cpu|gpu[:N]",
            description = "Where to compute: auto (a GPU when DJL finds one, else the CPU), cpu, gpu or gpu:N"
                    + " (default: " + RunSettings.DEFAULT_DEVICE + ").")
    String given;

    /** The device named, {@code auto} when the option was not given. */
    String name() {
        return given == null ? RunSettings.DEFAULT_DEVICE : given;
    }
}
