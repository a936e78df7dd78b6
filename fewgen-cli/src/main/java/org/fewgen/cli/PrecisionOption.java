package org.fewgen.cli;

import ai.djl.Device;
import org.fewgen.nn.Precision;
import picocli.CommandLine.Option;

import java.io.PrintStream;

/**
 * {@code --precision fp32|bf16|auto} as a picocli mixin, so that every command that runs a network
 * accepts and explains it the same way. The value is resolved for the command's device with
 * {@link Precision#resolve(Device)} and the choice is printed.
 */
final class PrecisionOption {

    static final String DESCRIPTION = "Arithmetic of convolutions and matrix products: fp32; bf16 (mixed precision:"
            + " bf16 compute on casts, fp32 weights, Adam state, batch-norm statistics, spectral norm and losses);"
            + " auto (bf16 where the CPU reports avx512_bf16 or amx_bf16, or the GPU computes bf16; fp32 otherwise).";

    @Option(names = "--precision", paramLabel = "fp32|bf16|auto", converter = Choices.Arithmetic.class,
            description = DESCRIPTION + " Default: fp32.")
    Precision precision;

    /** The requested precision, or null when the option was not given. */
    Precision requested() {
        return precision;
    }

    /** The requested precision (fp32 when not given) resolved for {@code device}; prints the choice to {@code log}. */
    Precision resolve(Device device, PrintStream log) {
        Precision r = requested() == null ? Precision.FP32 : requested();
        Precision resolved = r.resolve(device);
        log.println(Precision.describe(r, resolved, device));
        return resolved;
    }
}
