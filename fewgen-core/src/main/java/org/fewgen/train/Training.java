package org.fewgen.train;

import ai.djl.Device;
import org.fewgen.data.ImageSet;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.nn.Precision;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.util.Devices;
import org.fewgen.util.NativeMalloc;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** Starts or resumes a Faster Projected GAN run the way the CLI does: device, data, networks, run. */
public final class Training {

    private Training() {
    }

    /**
     * @param config the resolved options
     * @param resume a run folder to continue, or null for a new run under {@code config.run().out()}
     * @param commandLine recorded in {@code config.json}
     * @param out where progress and messages go
     */
    public static TrainingRun.Result launch(TrainConfig config, Path resume, String commandLine, PrintStream out)
            throws IOException {
        return launch(config, resume, commandLine, out, null);
    }

    /**
     * @param fid FID during training, or null for none
     */
    public static TrainingRun.Result launch(TrainConfig config, Path resume, String commandLine, PrintStream out,
                                            FidMonitor.Settings fid) throws IOException {
        return launch(config, resume, out, fid,
                new TrainingRun.Options().progress(Progress.auto(out)).commandLine(commandLine));
    }

    /**
     * @param out where the start-up lines go
     * @param options progress display, command line and record callbacks
     */
    public static TrainingRun.Result launch(TrainConfig config, Path resume, PrintStream out,
                                            FidMonitor.Settings fid, TrainingRun.Options options) throws IOException {
        Device device = Devices.choose(config.run().device());
        Precision requested = config.run().precision();
        config = config.withResolvedPrecision(device);
        RunSettings run = config.run();
        GeneratorConfig g = config.generator();
        out.println(Precision.describe(requested, run.precision(), device));
        ImageSet set = ImageSources.load(run.data(), g.resolution(), Transform.CENTER_CROP);
        out.printf(Locale.ROOT, "data: %d images from %s at %d²%s%n", set.size(), run.data(), g.resolution(),
                set.skipped().isEmpty() ? "" : " (" + set.skipped().size() + " files skipped: "
                        + String.join(", ", set.skipped().subList(0, Math.min(5, set.skipped().size())))
                        + (set.skipped().size() > 5 ? ", ..." : "") + ")");
        out.printf(Locale.ROOT, "training: %s generator, ngf %d, batch %d, %.3f kimg (%d steps) on %s%n",
                g.conv().label(), g.ngf(), run.batch(), run.kimg(), run.totalSteps(), device);
        String mallocHint = NativeMalloc.hint(device);
        if (mallocHint != null) {
            out.println(mallocHint);
        }
        String ompHint = org.fewgen.util.OpenMp.hint(device);
        if (ompHint != null) {
            out.println(ompHint);
        }
        try (ImageSetData data = new ImageSetData(set, run.batch(), run.mirror(), run.seed());
             FidMonitor monitor = fid == null ? null : new FidMonitor(fid, set, device, run.batch(), out)) {
            if (monitor != null) {
                options.metric(fid.everyKimg(), monitor);
            }
            if (resume != null) {
                return TrainingRun.resume(config, new FastGanNetworks(), data, device, RunDir.open(resume), options);
            }
            return TrainingRun.start(config, new FastGanNetworks(), data, device, options);
        }
    }
}
