package org.fewgen.cli;

import org.fewgen.gan.ConvKind;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.Training;
import org.fewgen.train.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The main job on a built-in default: a short Faster Projected GAN run on the procedural
 * {@code builtin:shapes} set (coloured shapes made from a seed, no download), sized to finish in
 * under 15 minutes on 2 CPU cores.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a small Faster Projected GAN on a built-in procedural dataset (no download):",
                "builtin:shapes at 64x64, depthwise separable generator (ngf " + DemoCommand.NGF + "), batch "
                        + DemoCommand.BATCH + ", " + DemoCommand.KIMG + " kimg;",
                "D with depthwise separable heads on the feature network at " + DemoCommand.D_INPUT + "x"
                        + DemoCommand.D_INPUT + " (a third of the work at 224x224).",
                "Prints where the samples, metrics and checkpoint are."})
public final class DemoCommand implements Callable<Integer> {

    static final String DATA = "builtin:shapes";
    static final int RESOLUTION = 64;
    static final int NGF = 32;
    static final int BATCH = 8;
    static final double KIMG = 9;
    /** Feature-network input of D: 128² costs a third of 224², which triples the images a CPU sees in 15 minutes. */
    static final int D_INPUT = 128;

    @Option(names = "--kimg", paramLabel = "K", description = "Training length in kimg (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + KIMG)
    double kimg;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the run folder (default: ${DEFAULT-VALUE}).",
            defaultValue = "runs")
    String out;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu", description = "Where to train (default: ${DEFAULT-VALUE}).",
            defaultValue = "auto")
    String device;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--serve", arity = "0..1", paramLabel = "PORT",
            fallbackValue = "" + org.fewgen.dashboard.DashboardServer.DEFAULT_PORT,
            description = {"Also serve the live dashboard on 127.0.0.1:PORT (default port "
                    + org.fewgen.dashboard.DashboardServer.DEFAULT_PORT + ") and keep it up after training until Ctrl-C."})
    Integer serve;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The demo's configuration with the given overrides. */
    TrainConfig config() {
        return TrainConfig.builder().data(DATA).out(out).resolution(RESOLUTION).generator(ConvKind.DSC)
                .dConv(ConvKind.DSC).dInput(D_INPUT).ngf(NGF).batch(BATCH).kimg(kimg).snapKimg(Math.max(kimg / 5, 0.008))
                .logEvery(10).seed(seed).device(device).build();
    }

    @Override
    public Integer call() throws IOException {
        TrainConfig config = config();
        System.out.println("fewgen demo: Faster Projected GAN on " + DATA + " (procedural coloured shapes), "
                + RESOLUTION + "x" + RESOLUTION + ", " + config.kimg() + " kimg (" + config.totalSteps() + " steps); sized for under 15 minutes on 2 CPU cores");
        OutputFolders.require("--out", java.nio.file.Path.of(out));
        String commandLine = FewgenCommand.commandLineOf(spec);
        org.fewgen.dashboard.DashboardServer dashboard = serve == null ? null
                : org.fewgen.dashboard.DashboardServer.startForTraining(java.nio.file.Path.of(out), serve, System.out);
        TrainingRun.Result r;
        try (org.fewgen.util.GracefulStop stop = org.fewgen.util.GracefulStop.install(System.err)) {
            r = Training.launch(config, null, commandLine, System.out);
        }
        GanTrainCommand.printWhere(System.out, r);
        System.out.println("real images: " + r.runDir().resolve("reals.png"));
        if (dashboard != null) {
            dashboard.serveUntilInterrupted(System.out);
        }
        return 0;
    }
}
