package org.fewgen.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.fewgen.bench.MachineInfo;
import org.fewgen.gan.ConvKind;
import org.fewgen.io.AtomicFiles;
import org.fewgen.train.MetricsLog;
import org.fewgen.train.RunSettings;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.Training;
import org.fewgen.train.TrainingRun;
import org.fewgen.util.Devices;
import org.fewgen.util.GracefulStop;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code fewgen bench soak}: a long run of a small configuration, with resident memory and the
 * number of live DJL arrays sampled every {@code --every} steps (in metrics.jsonl), then a plot and
 * a verdict: both must stay within 5% after warm-up, or something leaks.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a small configuration for many steps and check that memory stays flat.",
                "Samples resident memory and DJL array counts; both must stay within --tolerance after --warmup;",
                "writes soak.png and soak.json (the verdict and the machine) into the run folder."})
public final class BenchSoakCommand implements Callable<Integer> {

    @Option(names = "--steps", defaultValue = "10000", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--every", defaultValue = "100", description = "steps between samples (default: ${DEFAULT-VALUE})")
    int every;

    @Option(names = "--warmup", defaultValue = "0.1",
            description = "fraction of the run not judged: allocator and caches settle (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--tolerance", defaultValue = "0.05",
            description = "allowed (max - min) / median after warm-up (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--out", defaultValue = RunSettings.DEFAULT_OUT, paramLabel = "DIR",
            description = "folder for the run folder (default: ${DEFAULT-VALUE})")
    String out;

    @Option(names = "--seed", defaultValue = "" + RunSettings.DEFAULT_SEED, paramLabel = "S",
            description = "seed of the run (default: ${DEFAULT-VALUE})")
    long seed;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (steps < 10) {
            throw new IllegalArgumentException("--steps " + steps + ": must be at least 10");
        }
        if (every < 1 || every > steps) {
            throw new IllegalArgumentException("--every " + every + ": must be from 1 to --steps (" + steps + ")");
        }
        if (!(warmup >= 0 && warmup < 1)) {
            throw new IllegalArgumentException("--warmup " + warmup + ": must be in [0, 1)");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("--tolerance " + tolerance + ": must be positive");
        }
        int batch = 2;
        TrainConfig config = TrainConfig.builder().data("builtin:shapes").out(out).resolution(64).generator(ConvKind.DSC)
                .dConv(ConvKind.DSC).dInput(128).ngf(8).batch(batch).kimg(steps * batch / 1000.0).snapKimg(1e9)
                .logEvery(every).seed(seed).device(device.name()).build();
        OutputFolders.require("--out", Path.of(out));
        TrainingRun.Result r;
        try (GracefulStop stop = GracefulStop.install(System.err)) {
            r = Training.launch(config, null, FewgenCommand.commandLineOf(spec), System.out);
        }
        Verdict v = judge(MetricsLog.read(r.metrics()), warmup, tolerance);
        Path png = r.runDir().resolve("soak.png");
        plot(png, MetricsLog.read(r.metrics()));
        // the run folder's config.json holds the training config and provenance; the verdict and the machine go beside it
        JsonObject result = v.toJson();
        result.add("machine", MachineInfo.describe(Devices.choose(device.name()), FewgenCommand.commandLineOf(spec))
                .toJson());
        Path json = r.runDir().resolve("soak.json");
        AtomicFiles.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(result) + "\n");
        System.out.println(v.text());
        System.out.println("plot: " + png);
        System.out.println("verdict: " + json);
        return v.flat() ? 0 : 1;
    }

    /**
     * Whether RSS and array counts stayed within tolerance after warm-up: their spreads ((max - min)
     * / median) over the judged samples, which cover the steps {@code firstJudgedStep..lastJudgedStep}.
     */
    record Verdict(boolean flat, double rssSpread, double arraysSpread, double tolerance, int samples,
                   int judgedSamples, double firstJudgedStep, double lastJudgedStep) {

        String text() {
            return String.format(Locale.ROOT, "%s: after warm-up (%d of %d samples, steps %.0f..%.0f) resident memory"
                    + " varies by %.1f%% and DJL arrays by %.1f%% (limit %.0f%%)", flat ? "flat" : "NOT flat",
                    judgedSamples, samples, firstJudgedStep, lastJudgedStep, rssSpread * 100, arraysSpread * 100,
                    tolerance * 100);
        }

        /** soak.json, without the machine: the components by their snake-case names, then the text. */
        JsonObject toJson() {
            JsonObject o = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create()
                    .toJsonTree(this).getAsJsonObject();
            o.addProperty("verdict", text());
            return o;
        }
    }

    static Verdict judge(List<JsonObject> lines, double warmup, double tolerance) {
        List<double[]> samples = new ArrayList<>();
        for (JsonObject o : lines) {
            if (o.has("rss_mib") && o.has("ndarrays") && o.has("step")) {
                samples.add(new double[] {o.get("step").getAsDouble(), o.get("rss_mib").getAsDouble(),
                        o.get("ndarrays").getAsDouble()});
            }
        }
        if (samples.size() < 3) {
            throw new IllegalStateException("only " + samples.size() + " samples: too few to judge");
        }
        List<double[]> judged = samples.subList((int) Math.floor(samples.size() * warmup), samples.size());
        double rss = spread(judged, 1);
        double arrays = spread(judged, 2);
        return new Verdict(rss <= tolerance && arrays <= tolerance, rss, arrays, tolerance, samples.size(), judged.size(),
                judged.get(0)[0], judged.get(judged.size() - 1)[0]);
    }

    private static double spread(List<double[]> samples, int column) {
        double[] v = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
        double median = v[v.length / 2];
        return median == 0 ? 0 : (v[v.length - 1] - v[0]) / median;
    }

    private static void plot(Path file, List<JsonObject> lines) throws IOException {
        XYSeries rss = new XYSeries("resident memory (MiB)");
        XYSeries arrays = new XYSeries("live DJL arrays");
        for (JsonObject o : lines) {
            if (o.has("rss_mib") && o.has("ndarrays") && o.has("step")) {
                rss.add(o.get("step").getAsDouble(), o.get("rss_mib").getAsDouble());
                arrays.add(o.get("step").getAsDouble(), o.get("ndarrays").getAsDouble());
            }
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
        for (XYSeries s : Arrays.asList(rss, arrays)) {
            NumberAxis y = new NumberAxis(s.getKey().toString());
            y.setAutoRangeIncludesZero(true);
            plot.add(new XYPlot(new XYSeriesCollection(s), null, y, new XYLineAndShapeRenderer(true, false)));
        }
        JFreeChart chart = new JFreeChart("fewgen bench soak", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        AtomicFiles.write(file, o -> ChartUtils.writeChartAsPNG(o, chart, 900, 600));
    }
}
