package org.fewgen.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.cs.CsData;
import org.fewgen.cs.Mlp;
import org.fewgen.cs.UaeConfig;
import org.fewgen.cs.UaeRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fewgen cs train}: trains one Uncertainty Autoencoder in a numbered run folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train an Uncertainty Autoencoder (learned measurements + MLP decoder).")
public final class CsTrainCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = "mnist", description = "mnist, a folder with MNIST IDX files, or an image source (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = {"-m", "--measurements"}, defaultValue = "25", description = "number of measurements m (default: ${DEFAULT-VALUE})")
    int measurements;

    @Option(names = "--noise", defaultValue = "0.1", description = "measurement noise sigma (default: ${DEFAULT-VALUE})")
    float noise;

    @Option(names = "--encoder", defaultValue = "linear", description = "linear (m x n matrix, no bias) or mlp (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--encoder-hidden", defaultValue = "500", description = "hidden widths of an mlp encoder (default: ${DEFAULT-VALUE})")
    String encoderHidden;

    @Option(names = "--decoder-hidden", defaultValue = "500,500", description = "hidden widths of the decoder (default: ${DEFAULT-VALUE})")
    String decoderHidden;

    @Option(names = "--epochs", defaultValue = "30", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "100", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--encoder-l2", defaultValue = "0", description = "l2 penalty on the encoder weights (default: none)")
    float encoderL2;

    @Option(names = "--row-norm", defaultValue = "0", description = "max norm of each encoder row, R (default: unconstrained)")
    float rowNorm;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-train", defaultValue = "0", description = "use at most this many training images (default: all)")
    int maxTrain;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @CommandLine.Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = {"--out", "--runs"}, defaultValue = "runs", paramLabel = "DIR",
            description = "folder for run folders, as gan train's --out (default: ${DEFAULT-VALUE})")
    Path runs;

    @Option(names = "--resume", description = "continue the run in this folder (its config.json; --epochs may raise the total)")
    Path resume;

    @Option(names = "--transfer-from", description = "keep the encoder of this finished run, train only the decoder on --data")
    Path transferFrom;

    @Override
    public Integer call() throws Exception {
        UaeConfig c;
        if (resume != null) {
            Path cfg = resume.resolve("config.json");
            if (!Files.isRegularFile(cfg)) {
                throw new IllegalArgumentException("--resume " + resume + ": no config.json there");
            }
            c = UaeConfig.fromJson(Files.readString(cfg), cfg.toString());
            if (epochs != 30) {
                c = c.withEpochs(epochs);
            }
        } else {
            c = new UaeConfig(data, measurements, noise, encoder, Mlp.parseWidths(encoderHidden, "--encoder-hidden"),
                    Mlp.parseWidths(decoderHidden, "--decoder-hidden"), epochs, batch, lr, encoderL2, rowNorm, seed,
                    transferFrom == null ? "" : transferFrom.toString(), maxTrain);
            if (transferFrom != null) {
                c = c.withEncoder("fixed", 0f, transferFrom.toString());
            }
        }
        if (resume == null) {
            OutputFolders.require("--out", runs);
        }
        CsData d = CsData.load(c.data());
        try (NDManager manager = NDManager.newBaseManager(UaeRun.device(device.name()))) {
            NDArray fixed = null;
            if (!c.transferFrom().isEmpty() && resume == null) {
                fixed = UaeRun.loadEncoder(Path.of(c.transferFrom()), manager);
                if (fixed.getShape().get(1) != d.pixels()) {
                    throw new IllegalArgumentException("--transfer-from " + c.transferFrom() + ": encoder takes "
                            + fixed.getShape().get(1) + " pixels, --data " + c.data() + " has " + d.pixels());
                }
                c = new UaeConfig(c.data(), (int) fixed.getShape().get(0), c.noise(), "fixed", c.encoderHidden(),
                        c.decoderHidden(), c.epochs(), c.batch(), c.lr(), c.encoderL2(), 0f, c.seed(), c.transferFrom(),
                        c.maxTrain());
            }
            UaeRun.Result r;
            try (org.fewgen.util.GracefulStop stop = org.fewgen.util.GracefulStop.install(System.err)) {
                r = UaeRun.run(c, d, manager, runs, "uae", fixed, resume,
                        FewgenCommand.commandLineOf(spec), System.out, precision.resolve(manager.getDevice(), System.out));
            }
            System.out.printf("best epoch %d (valid l2 %.4f); test l2 %.4f ± %.4f with noise, %.4f noiseless (%d images)%n",
                    r.outcome().bestEpoch(), r.outcome().bestValidL2(), r.test().l2Mean(), r.test().l2Stderr(),
                    r.testNoiseless().l2Mean(), r.test().count());
            System.out.println("wrote " + r.runDir());
        }
        return 0;
    }
}
