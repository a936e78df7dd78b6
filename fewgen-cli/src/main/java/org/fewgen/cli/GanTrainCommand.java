package org.fewgen.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.train.RunDir;
import org.fewgen.train.RunSettings;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.Training;
import org.fewgen.train.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.fewgen.train.FidMonitor;
import org.fewgen.util.GracefulStop;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fewgen gan train}: trains a Faster Projected GAN into a numbered run folder, or resumes one. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a Faster Projected GAN (FastGAN-lite generator, projected discriminator).",
                "Writes runs/NNNNN-fastgan-<generator>-<data>-<res>/: config.json, metrics.jsonl, reals.png,",
                "fakes_init.png, fakes_<kimg>.png, snapshot-<kimg>.safetensors, latest.json."})
public final class GanTrainCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "SOURCE",
            description = "Images: folder, zip, IDX file, mnist, openmoji:<category>, builtin:shapes, builtin:digits, prepared .zip.")
    String data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for run folders (default: " + RunSettings.DEFAULT_OUT + ").")
    String out;

    @Option(names = "--res", paramLabel = "R",
            description = "Image resolution, 64..1024, power of two (default: " + GeneratorConfig.DEFAULT_RESOLUTION
                    + ").")
    Integer res;

    @Option(names = "--generator", paramLabel = "conv|dsc", converter = Choices.Conv.class,
            description = "Up-block convolution: dsc = depthwise separable (Faster Projected GAN, default), conv = standard.")
    ConvKind generator;

    @Option(names = "--d-conv", paramLabel = "conv|dsc", converter = Choices.Conv.class,
            description = "Discriminator heads' down-block convolution (default: conv, as the reference).")
    ConvKind dConv;

    @Option(names = "--d-input", paramLabel = "S",
            description = {"Images smaller than S are resized to SxS before D's feature network (default: 224,",
                    "as the reference; 128, a multiple of 32, is the smallest and costs about a third of D's work)."})
    Integer dInput;

    @Option(names = "--aug", paramLabel = "POLICY",
            description = {"DiffAugment operations on everything D sees, comma-separated: color, translation,",
                    "cutout; 'none' for none (default: color,translation,cutout, as the reference)."})
    String aug;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate of G and D (default: 2e-4, as the reference).")
    Double lr;

    @Option(names = "--batch", paramLabel = "B",
            description = "Images per step (default: " + RunSettings.DEFAULT_BATCH + ").")
    Integer batch;

    @Option(names = "--kimg", paramLabel = "K", description = "Training length in thousands of real images (default: 100).")
    Double kimg;

    @Option(names = "--ngf", paramLabel = "N",
            description = "Generator width (default: " + GeneratorConfig.DEFAULT_NGF + ", a multiple of 8).")
    Integer ngf;

    @Option(names = "--snap", paramLabel = "K", description = "Snapshot and sample grid every K kimg (default: 10).")
    Double snap;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of weights, latents, batches, augmentation (default: " + RunSettings.DEFAULT_SEED
                    + ").")
    Long seed;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue this run folder from its newest complete snapshot (options default to the run's).")
    Path resume;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @CommandLine.Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--backbone", paramLabel = "NAME",
            description = "Frozen feature network: mobilenetv2_100 (default, bundled weights) or efficientnet_lite0.")
    String backbone;

    @Option(names = "--backbone-weights", paramLabel = "FILE", description = "timm-named safetensors weights of the backbone.")
    String backboneWeights;

    @Option(names = "--mirror", arity = "0..1", paramLabel = "true|false",
            description = "Also show x-flipped real images (default: false).")
    Boolean mirror;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Steps between metrics lines and progress updates (default: " + RunSettings.DEFAULT_LOG_EVERY
                    + ").")
    Integer logEvery;

    @Option(names = "--metric-every", paramLabel = "K",
            description = "Compute FID of the EMA generator every K kimg into metrics.jsonl (default: off; slow on a CPU).")
    Double metricEvery;

    @Option(names = "--metric-num", paramLabel = "N", defaultValue = "1000",
            description = "Generated images per FID evaluation (default: ${DEFAULT-VALUE}).")
    int metricNum;

    @Option(names = "--metric-kid", description = "Also compute KID at every evaluation.")
    boolean metricKid;

    @Option(names = "--inception-weights", paramLabel = "FILE",
            description = "Inception v3 safetensors for --metric-every (default: see 'fewgen metrics fid --help').")
    Path inceptionWeights;

    @Option(names = "--serve", arity = "0..1", paramLabel = "PORT",
            fallbackValue = "" + org.fewgen.dashboard.DashboardServer.DEFAULT_PORT,
            description = {"Also serve the live dashboard of the runs folder on 127.0.0.1:PORT (default port "
                    + org.fewgen.dashboard.DashboardServer.DEFAULT_PORT + ")", "and keep it up after training until Ctrl-C."})
    Integer serve;

    @Option(names = "--dry-run", description = "Print the resolved configuration as JSON and exit.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TrainConfig config = resolve();
        PrintStream stdout = System.out;
        if (dryRun) {
            stdout.println(config.toJson());
            return 0;
        }
        if (resume == null) {
            OutputFolders.require("--out", Path.of(config.run().out()));
        }
        String commandLine = FewgenCommand.commandLineOf(spec);
        FidMonitor.Settings fid = metricEvery == null ? null
                : new FidMonitor.Settings(metricEvery, metricNum, inceptionWeights, metricKid);
        org.fewgen.dashboard.DashboardServer dashboard = serve == null ? null
                : org.fewgen.dashboard.DashboardServer.startForTraining(
                        resume != null ? resume.toAbsolutePath().normalize().getParent() : Path.of(config.run().out()),
                        serve, stdout);
        TrainingRun.Result r;
        try (GracefulStop stop = GracefulStop.install(System.err)) {
            r = Training.launch(config, resume, commandLine, stdout, fid);
        }
        printWhere(stdout, r);
        if (dashboard != null) {
            dashboard.serveUntilInterrupted(stdout);
        }
        return 0;
    }

    /** Prints where a finished run left its files. */
    static void printWhere(PrintStream out, TrainingRun.Result r) {
        out.printf(Locale.ROOT, "done: %d steps, %.3f kimg in %.0f s of training%n", r.steps(), r.nimg() / 1000.0,
                r.seconds());
        out.println("run folder: " + r.runDir());
        if (r.lastFakes() != null) {
            out.println("samples:    " + r.lastFakes() + " (EMA generator, fixed latents)");
        }
        out.println("metrics:    " + r.metrics());
        if (r.lastSnapshot() != null) {
            out.println("checkpoint: " + r.lastSnapshot());
            out.println("generate:   fewgen gan generate --checkpoint " + r.runDir() + " --seeds 0-63 --out "
                    + r.runDir().resolve("generated"));
        }
    }

    /** Combines the flags (and, with --resume, the run's saved config) into one validated config. */
    TrainConfig resolve() throws IOException {
        TrainConfig saved = null;
        TrainConfig.Builder b;
        if (resume != null) {
            Path cfg = resume.resolve(RunDir.CONFIG);
            if (!Files.isRegularFile(cfg)) {
                throw new IllegalArgumentException("--resume " + resume + ": not a run folder (no " + RunDir.CONFIG + ")");
            }
            JsonObject root;
            try {
                root = JsonParser.parseString(Files.readString(cfg)).getAsJsonObject();
                saved = TrainConfig.fromJson(root.getAsJsonObject("config").toString());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--resume " + resume + ": unreadable " + RunDir.CONFIG + " ("
                        + e.getMessage() + ")");
            }
            b = TrainConfig.Builder.from(saved);
        } else {
            if (data == null) {
                throw new IllegalArgumentException("--data is required (a folder, zip, IDX file, mnist, "
                        + "openmoji:<category>, builtin:shapes or builtin:digits)");
            }
            b = TrainConfig.builder();
        }
        if (data != null) {
            b.data(data);
        }
        if (out != null) {
            b.out(out);
        }
        if (res != null) {
            b.resolution(res);
        }
        if (generator != null) {
            b.generator(generator);
        }
        if (dConv != null) {
            b.dConv(dConv);
        }
        if (dInput != null) {
            b.dInput(dInput);
        }
        if (aug != null) {
            boolean none = aug.equalsIgnoreCase("none") || aug.isBlank();
            b.diffAugment(!none).augPolicy(none ? org.fewgen.gan.DiscriminatorConfig.DEFAULT_AUG_POLICY : aug);
        }
        if (lr != null) {
            b.lr(lr);
        }
        if (batch != null) {
            b.batch(batch);
        }
        if (kimg != null) {
            b.kimg(kimg);
        }
        if (ngf != null) {
            b.ngf(ngf);
        }
        if (snap != null) {
            b.snapKimg(snap);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (device.given != null) {
            b.device(device.given);
        }
        if (precision.requested() != null) {
            // resolved for the device when training starts (Training.launch), and recorded
            b.precision(precision.requested());
        }
        if (backbone != null) {
            b.backbone(backbone);
        }
        if (backboneWeights != null) {
            if (!Files.isRegularFile(Path.of(backboneWeights))) {
                throw new IllegalArgumentException("--backbone-weights " + backboneWeights + ": no such file");
            }
            b.backboneWeights(backboneWeights);
        }
        if (mirror != null) {
            b.mirror(mirror);
        }
        if (logEvery != null) {
            b.logEvery(logEvery);
        }
        TrainConfig config = b.build(); // the records' checks: nothing is created before them
        if (saved != null) {
            saved.requireSameArchitecture(config);
        }
        return config;
    }

}
