package org.fewgen.cli;

import org.fewgen.gan.ConvKind;
import org.fewgen.train.RunSettings;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.Training;
import org.fewgen.train.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import com.google.gson.JsonObject;
import org.fewgen.metrics.InceptionWeights;
import org.fewgen.train.FidMonitor;
import org.fewgen.train.MetricsLog;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The main job on a built-in default: a short Projected GAN run on 500 procedural
 * {@code builtin:digits} (MNIST-like digits drawn from a seed, no download), sized to finish in
 * under 15 minutes on 2 CPU cores, with FID at the start and the end so that a person sees in
 * numbers as well as in the grids that it learned.
 *
 * <p>Why these settings (docs/training.md, "fewgen demo"): on 2 cores 15 minutes hold about
 * 6 kimg of it and the FID at both ends. The standard-convolution generator draws digit shapes
 * after about 4 kimg where the depthwise separable one needs about 12 (docs/quality.md, long
 * runs), and the coloured {@code builtin:shapes} collapse to one colour for tens of kimg with the
 * bundled feature network in the official code too; so the demo trains the conv generator on
 * digits and leaves the dsc generator, the paper's change, to {@code gan train}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a small Projected GAN on built-in procedural digits in minutes on a CPU.",
                DemoCommand.DATA + " (MNIST-like digits) at 64x64, standard-convolution generator (ngf "
                        + DemoCommand.NGF + "), batch " + DemoCommand.BATCH + ", " + DemoCommand.KIMG + " kimg;",
                "D with depthwise separable heads on the feature network at " + DemoCommand.D_INPUT + "x"
                        + DemoCommand.D_INPUT + " (a third of the work at 224x224).",
                "Prints FID (offline Inception, " + DemoCommand.FID_SAMPLES
                        + " samples) at the start and the end, and where the samples, metrics and checkpoint are."})
public final class DemoCommand implements Callable<Integer> {

    static final String DATA = "builtin:digits:500";
    /** Generated images per FID evaluation: enough to rank a learned generator far below an untrained one in seconds. */
    static final int FID_SAMPLES = 256;
    static final int RESOLUTION = 64;
    static final int NGF = 32;
    static final int BATCH = 8;
    static final double KIMG = 6;
    /** Feature-network input of D: 128² costs a third of 224², which triples the images a CPU sees in 15 minutes. */
    static final int D_INPUT = 128;

    @Option(names = "--kimg", paramLabel = "K", description = "Training length in kimg (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + KIMG)
    double kimg;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the run folder (default: ${DEFAULT-VALUE}).",
            defaultValue = RunSettings.DEFAULT_OUT)
    String out;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @CommandLine.Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + RunSettings.DEFAULT_SEED)
    long seed;

    @Option(names = "--serve", arity = "0..1", paramLabel = "PORT",
            fallbackValue = "" + org.fewgen.dashboard.DashboardServer.DEFAULT_PORT,
            description = {"Also serve the live dashboard on 127.0.0.1:PORT (default port "
                    + org.fewgen.dashboard.DashboardServer.DEFAULT_PORT + ") and keep it up after training until Ctrl-C."})
    Integer serve;

    @Option(names = "--fid-samples", paramLabel = "N", defaultValue = "" + FID_SAMPLES,
            description = "Generated images per FID evaluation at the start and the end; 0 for none"
                    + " (default: ${DEFAULT-VALUE}).")
    int fidSamples;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The demo's configuration with the given overrides. */
    TrainConfig config() {
        return TrainConfig.builder().data(DATA).out(out).resolution(RESOLUTION).generator(ConvKind.CONV)
                .dConv(ConvKind.DSC).dInput(D_INPUT).ngf(NGF).batch(BATCH).kimg(kimg).snapKimg(Math.max(kimg / 5, 0.008))
                .logEvery(10).seed(seed).device(device.name())
                .precision(precision.requested() == null ? org.fewgen.nn.Precision.FP32 : precision.requested()).build();
    }

    @Override
    public Integer call() throws IOException {
        if (fidSamples != 0 && fidSamples < 2) {
            throw new IllegalArgumentException("--fid-samples must be 0 (no FID) or at least 2, not " + fidSamples);
        }
        TrainConfig config = config();
        System.out.println("fewgen demo: Projected GAN on " + DATA + " (procedural MNIST-like digits), "
                + RESOLUTION + "x" + RESOLUTION + ", " + config.run().kimg() + " kimg (" + config.run().totalSteps()
                + " steps); sized for under 15 minutes on 2 CPU cores");
        OutputFolders.require("--out", java.nio.file.Path.of(out));
        boolean inception = inceptionAvailable();
        String commandLine = FewgenCommand.commandLineOf(spec);
        org.fewgen.dashboard.DashboardServer dashboard = serve == null ? null
                : org.fewgen.dashboard.DashboardServer.startForTraining(java.nio.file.Path.of(out), serve, System.out);
        TrainingRun.Result r;
        try (org.fewgen.util.GracefulStop stop = org.fewgen.util.GracefulStop.install(System.err)) {
            r = Training.launch(config, null, commandLine, System.out, fidSamples == 0 ? null
                    : new FidMonitor.Settings(config.run().kimg(), fidSamples, null, false, !inception));
        }
        printFid(r.metrics(), inception ? "FID (offline nsfwjs Inception v3; not comparable to published FIDs)"
                : "Frechet distance in the bundled MobileNetV2's features (D's own network, so it flatters G; set "
                        + InceptionWeights.ENV_FOLDER + " to a folder with " + InceptionWeights.NSFWJS_FILE_NAME
                        + " for an Inception FID)", System.out);
        GanTrainCommand.printWhere(System.out, r);
        System.out.println("real images: " + r.runDir().resolve("reals.png"));
        if (dashboard != null) {
            dashboard.serveUntilInterrupted(System.out);
        }
        return 0;
    }

    /** Whether an Inception v3 weights file is configured (it is not bundled: 90 MB). */
    static boolean inceptionAvailable() {
        try {
            InceptionWeights.resolve(null);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The FID curve of the run, first to last, from its metric events. */
    static void printFid(Path metrics, String name, PrintStream out) throws IOException {
        List<double[]> points = new ArrayList<>();
        for (JsonObject o : MetricsLog.read(metrics)) {
            if (o.has("event") && o.get("event").getAsString().equals("metric") && o.has("fid")) {
                points.add(new double[] {o.get("kimg").getAsDouble(), o.get("fid").getAsDouble()});
            }
        }
        if (points.size() < 2) {
            return;
        }
        StringBuilder curve = new StringBuilder();
        for (double[] p : points) {
            curve.append(curve.length() == 0 ? "" : " -> ").append(String.format(Locale.ROOT, "%.1f (kimg %.1f)", p[1], p[0]));
        }
        double first = points.get(0)[1];
        double last = points.get(points.size() - 1)[1];
        out.printf(Locale.ROOT, "%s vs the training images: %s; %.1fx lower than at the start%n", name, curve,
                first / last);
    }
}
