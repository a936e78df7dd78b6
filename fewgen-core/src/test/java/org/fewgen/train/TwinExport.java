package org.fewgen.train;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.LoaderOrder;
import org.fewgen.data.Transform;
import org.fewgen.gan.ConvKind;

/**
 * Everything random in a {@code fewgen gan train} run, for a "twin" of the official loop
 * ({@code bench/reference/learning_curve.py --twin}): the state fewgen constructs for the seed
 * ({@code before.safetensors} as a snapshot, {@code frozen.safetensors} with D's feature network and
 * projector), the image order of its loader ({@code order.txt}, one index per sample), the seed of
 * its first step ({@code meta.txt}; step k reseeds libtorch's generator with that + k) and the
 * pixels it decoded ({@code pixels.u8}), so the twin can check it reads the same images.
 *
 * <p>A twin does not retrace fewgen's run: in float32, two runs of the same code separate within a
 * few steps (Adam's first steps turn rounding-level gradients into full steps). It trains the
 * official code with fewgen's random choices, which tells whether those choices, rather than
 * fewgen's arithmetic, make fewgen's curves differ from the official loop's.
 *
 * <p>{@code TwinExport DATA.zip OUT --seed S --steps N [--res 64] [--generator dsc] [--d-conv dsc]
 * [--d-input 128] [--ngf 32] [--batch 8]} (the learning curves' settings by default).
 */
public final class TwinExport {

    private TwinExport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: TwinExport DATA.zip OUT --seed S --steps N [--res R] "
                    + "[--generator conv|dsc] [--d-conv conv|dsc] [--d-input D] [--ngf N] [--batch B]");
        }
        String data = args[0];
        Path out = Path.of(args[1]);
        Map<String, String> o = new LinkedHashMap<>(Map.of("seed", "0", "steps", "2500", "res", "64",
                "generator", "dsc", "d-conv", "dsc", "d-input", "128", "ngf", "32", "batch", "8"));
        for (int i = 2; i < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            if (!o.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("TwinExport: unknown option or missing value: " + args[i]);
            }
            o.put(key, args[i + 1]);
        }
        int res = Integer.parseInt(o.get("res"));
        int batch = Integer.parseInt(o.get("batch"));
        long seed = Long.parseLong(o.get("seed"));
        int steps = Integer.parseInt(o.get("steps"));
        TrainConfig config = TrainConfig.builder().data(data).out(out.toString()).resolution(res)
                .generator(ConvKind.valueOf(o.get("generator").toUpperCase(Locale.ROOT)))
                .dConv(ConvKind.valueOf(o.get("d-conv").toUpperCase(Locale.ROOT)))
                .ngf(Integer.parseInt(o.get("ngf"))).batch(batch).diffAugment(true)
                .dInput(Integer.parseInt(o.get("d-input"))).seed(seed).device("cpu").build();
        Files.createDirectories(out);
        // as Training.run loads them
        ImageSet set = ImageSources.load(data, res, Transform.CENTER_CROP);
        Files.write(out.resolve("pixels.u8"), set.pixels());
        StringBuilder order = new StringBuilder();
        for (int i : LoaderOrder.indices(set, batch, seed, steps * batch)) {
            order.append(i).append('\n');
        }
        Files.writeString(out.resolve("order.txt"), order);
        try (GanTrainer t = new GanTrainer(config, new FastGanNetworks(), Device.cpu())) {
            StepParity.exportState(t, out);
            Files.writeString(out.resolve("meta.txt"), "step_seed_of_first=" + t.stepSeed(0) + "\nimages="
                    + set.size() + "\nseed=" + seed + "\n");
        }
        System.out.println("exported " + out + " (" + set.size() + " images, " + steps + " steps)");
    }
}
