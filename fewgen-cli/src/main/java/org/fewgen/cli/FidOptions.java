package org.fewgen.cli;

import ai.djl.Device;
import org.fewgen.metrics.FidEvaluator;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.util.Progress;
import org.fewgen.util.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The options every FID command shares (the network, where it runs, KID, the statistics cache, the
 * JSON report), as a picocli mixin, so that {@code gan fid} and {@code metrics fid} accept and
 * explain them identically.
 */
final class FidOptions {

    @Option(names = "--kid", description = "Also report KID (unbiased MMD, 100 subsets of up to 1000 images).")
    boolean kid;

    @Option(names = "--inception-weights", paramLabel = "FILE",
            description = "Inception v3 safetensors (torchvision/timm names). Default: $FEWGEN_INCEPTION_WEIGHTS, "
                    + "else $FEWGEN_WEIGHTS/inception_v3.nsfwjs.safetensors.")
    Path weights;

    @Option(names = "--inception-variant", paramLabel = "fid|imagenet|nsfwjs",
            description = "Network variant; detected from the file's classifier when not given.")
    String variant;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--precision", paramLabel = "fp32|bf16|auto", converter = Choices.Arithmetic.class,
            description = PrecisionOption.DESCRIPTION + " Inception (and the generator) run in it; bf16 statistics are"
                    + " cached apart from fp32 ones. Default: fp32.")
    org.fewgen.nn.Precision precision;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B",
            description = "Images per Inception forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--no-cache", description = "Neither read nor write the real-set statistics cache.")
    boolean noCache;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    /** Checks the values picocli cannot; call before any work, so a bad value fails before files are read. */
    void validate() {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        forcedVariant();
    }

    /** The precision for {@code d} (fp32 unless --precision says otherwise), printed to {@code log}. */
    org.fewgen.nn.Precision resolvePrecision(Device d, PrintStream log) {
        org.fewgen.nn.Precision r = precision == null ? org.fewgen.nn.Precision.FP32 : precision;
        org.fewgen.nn.Precision resolved = r.resolve(d);
        log.println(org.fewgen.nn.Precision.describe(r, resolved, d));
        return resolved;
    }

    private InceptionWeights.Kind forcedVariant() {
        return variant == null ? null : InceptionWeights.Kind.parse(variant, "--inception-variant");
    }

    Device chooseDevice() {
        return Devices.choose(device.name());
    }

    /** The weights file these options name (or the default lookup finds), inspected. */
    InceptionWeights.Info inception() throws IOException {
        return InceptionWeights.inspect(InceptionWeights.resolve(weights), forcedVariant());
    }

    /** A library FID with these options' network, device, precision, batch, KID and cache settings. */
    org.fewgen.Fid.Builder builder() {
        return org.fewgen.Fid.builder().weights(weights).variant(forcedVariant()).device(device.name())
                .precision(precision == null ? org.fewgen.nn.Precision.FP32 : precision).batch(batch).kid(kid)
                .cache(!noCache);
    }

    /** An evaluator over the network of {@link #inception()}, on {@code d}, with or without the cache. */
    FidEvaluator openEvaluator(InceptionWeights.Info info, Device d, PrintStream log) throws IOException {
        return FidEvaluator.open(info, d, batch, !noCache, Progress.auto(log), log);
    }
}
