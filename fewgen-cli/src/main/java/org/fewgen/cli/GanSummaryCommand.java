package org.fewgen.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.fewgen.backbone.Backbones;
import org.fewgen.backbone.FeatureNetwork;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.DiscriminatorConfig;
import org.fewgen.gan.FastGanGenerator;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.gan.ProjectedDiscriminator;
import org.fewgen.nn.Module;
import org.fewgen.nn.Tensors;
import org.fewgen.util.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fewgen gan summary}: the networks' modules, parameter counts and output shapes. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Print the generator's and discriminator's modules with parameter counts.",
                "Each module's output shape for one dummy sample, then the three totals (generator,",
                "discriminator trainable, feature network). Builds the networks on --device; nothing is written."})
public final class GanSummaryCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--res", required = true, paramLabel = "R", description = "Image resolution: 64, 128, ..., 1024.")
    int resolution;

    @Option(names = "--generator", required = true, converter = Choices.Conv.class, paramLabel = "conv|dsc",
            description = "Up-block convolution of the generator: conv (Projected GAN) or dsc (Faster Projected GAN).")
    ConvKind generatorConv;

    @Option(names = "--d-conv", defaultValue = "conv", converter = Choices.Conv.class, paramLabel = "conv|dsc",
            description = "Down-block convolution of the discriminator heads: conv or dsc (default: ${DEFAULT-VALUE}).")
    ConvKind headConv;

    @Option(names = "--backbone", defaultValue = Backbones.DEFAULT,
            description = "Feature network (default: ${DEFAULT-VALUE}).")
    String backbone;

    @Option(names = "--backbone-weights", paramLabel = "FILE",
            description = "timm-named safetensors weights for the feature network (default: bundled ones).")
    Path backboneWeights;

    @Option(names = "--ngf", defaultValue = "" + GeneratorConfig.DEFAULT_NGF, paramLabel = "N",
            description = "Generator width (default: ${DEFAULT-VALUE}).")
    int ngf;

    @CommandLine.Mixin
    DeviceOption device = new DeviceOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GeneratorConfig gConfig = new GeneratorConfig(resolution, ngf, GeneratorConfig.DEFAULT_Z_DIM, generatorConv);
        if (!Backbones.names().contains(backbone)) {
            throw new IllegalArgumentException("--backbone: unknown feature network '" + backbone + "' (choose one of "
                    + String.join(", ", Backbones.names()) + ")");
        }
        DiscriminatorConfig dConfig = DiscriminatorConfig.of(backbone).withHeadConv(headConv);
        try (NDManager manager = NDManager.newBaseManager(Devices.choose(device.name()))) {
            FastGanGenerator g = new FastGanGenerator(manager, gConfig);
            FeatureNetwork features = Backbones.create(backbone, manager, backboneWeights);
            ProjectedDiscriminator d = new ProjectedDiscriminator(manager, features, dConfig);
            g.train(false);
            d.train(false);
            List<String[]> rows = new ArrayList<>();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Tensors.noGrad(() -> {
                    Map<String, Shape> gShapes = new LinkedHashMap<>();
                    NDArray img = g.forward(manager.randomNormal(new Shape(1, gConfig.zDim())),
                            (name, x) -> gShapes.put(name, x.getShape()));
                    for (Map.Entry<String, Module> child : g.children().entrySet()) {
                        rows.add(row("G." + child.getKey(), child.getValue().parameterCount(),
                                gShapes.get(child.getKey())));
                    }
                    Map<String, Shape> dShapes = new LinkedHashMap<>();
                    d.forward(img.clip(-1, 1), (name, x) -> dShapes.put(name, x.getShape()));
                    addDiscriminatorRows(rows, d, dShapes);
                    return null;
                });
            }
            printTable(out, gConfig, dConfig, rows);
            out.println("generator parameters: " + g.parameterCount());
            out.println("discriminator trainable parameters: " + d.trainableParameterCount());
            out.println("feature network parameters: " + features.parameterCount());
            out.flush();
        }
        return 0;
    }

    private static void addDiscriminatorRows(List<String[]> rows, ProjectedDiscriminator d, Map<String, Shape> shapes) {
        if (shapes.containsKey("resize")) {
            rows.add(row("D.resize (bilinear)", -1, shapes.get("resize")));
        }
        for (int k = 0; k < 4; k++) {
            String key = "feature_network.pretrained[" + k + "]";
            rows.add(row("D." + key + (k == 0 ? " (frozen)" : ""), k == 0 ? d.featureNetwork().parameterCount() : -1,
                    shapes.get(key)));
        }
        for (int k = 0; k < 4; k++) {
            String key = "feature_network.scratch[" + k + "]";
            rows.add(row("D." + key + (k == 0 ? " (frozen)" : ""), k == 0 ? d.projector().parameterCount() : -1,
                    shapes.get(key)));
        }
        for (int k = 0; k < d.heads().headCount(); k++) {
            String key = "discriminator.mini_discs." + k;
            rows.add(row("D." + key, d.heads().head(k).parameterCount(), shapes.get(key)));
        }
        rows.add(row("D.logits (concatenated)", -1, shapes.get("logits")));
    }

    private static String[] row(String name, long params, Shape shape) {
        return new String[] {name, params < 0 ? "" : String.format(Locale.ROOT, "%,d", params),
                shape == null ? "-" : shape.toString()};
    }

    private static void printTable(PrintWriter out, GeneratorConfig g, DiscriminatorConfig d, List<String[]> rows) {
        out.printf(Locale.ROOT, "FastGAN-lite generator %d² (ngf %d, z %d, up-blocks %s); projected discriminator on %s"
                        + " (heads %s)%n", g.resolution(), g.ngf(), g.zDim(), name(g.conv()), d.backbone(),
                name(d.headConv()));
        int w0 = "module".length();
        int w1 = "parameters".length();
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        String fmt = "%-" + w0 + "s  %" + w1 + "s  %s%n";
        out.printf(Locale.ROOT, fmt, "module", "parameters", "output shape (1 sample)");
        for (String[] r : rows) {
            out.printf(Locale.ROOT, fmt, r[0], r[1], r[2]);
        }
    }

    private static String name(ConvKind kind) {
        return kind.label();
    }

}
