package org.fewgen.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.fewgen.gan.ConvKind;
import org.fewgen.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real Faster Projected GAN networks (FastGAN-lite G, projected D on the bundled MobileNetV2)
 * through a two-step run and {@code fewgen gan generate}; tiny width and batch to stay fast.
 */
class RealNetworksTest {

    @TempDir
    Path tmp;

    @Test
    void twoStepRunThenGenerateIsDeterministicPerSeed() throws Exception {
        TrainConfig c = TrainConfig.builder().data("builtin:shapes").out(tmp.toString()).resolution(64)
                .generator(ConvKind.DSC).ngf(8).batch(2).kimg(0.004).snapKimg(0.004).logEvery(1).seed(3)
                .device("cpu").build();
        ImageSet set = ImageSources.load(c.run().data(), 64, Transform.CENTER_CROP, null, null);
        TrainingRun.Result r;
        try (ImageSetData data = new ImageSetData(set, c.run().batch(), false, c.run().seed())) {
            r = TrainingRun.start(c, new FastGanNetworks(), data, Device.cpu(), new TrainingRun.Options());
        }
        assertThat(r.steps()).isEqualTo(2);
        for (String f : new String[] {"config.json", "metrics.jsonl", "reals.png", "fakes_init.png",
                "fakes_000000.004.png", "snapshot-000000.004.safetensors", "latest.json"}) {
            assertThat(r.runDir().resolve(f)).exists();
        }
        assertThat(ImageIO.read(r.runDir().resolve("fakes_init.png").toFile()).getWidth()).isEqualTo(8 * 64);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> t = SafeTensors.read(r.lastSnapshot(), m).tensors();
            // D's optimizer covers its heads only: the feature network and projector are frozen
            // (with the reference's beta1 = 0 Adam keeps no first moment: only v.* is saved)
            assertThat(t.keySet().stream().filter(k -> k.startsWith("opt_D.")))
                    .isNotEmpty().allMatch(k -> k.startsWith("opt_D.v.discriminator."));
            // nothing that can be rebuilt: the frozen feature network and projector only as a fingerprint
            assertThat(t.keySet()).noneMatch(k -> k.startsWith("D.feature_network."));
            assertThat(SafeTensors.read(r.lastSnapshot(), m).metadata().get(Snapshot.META_FROZEN_SHA256)).hasSize(64);
            assertThat(t.keySet()).anyMatch(k -> k.startsWith("D.discriminator."));
            assertThat(t.keySet()).anyMatch(k -> k.startsWith("G_ema."));
        }

        Path a = tmp.resolve("gen-a");
        Path b = tmp.resolve("gen-b");
        Path other = tmp.resolve("gen-c");
        assertThat(GanCommandsTest.run("gan", "generate", "--checkpoint", r.runDir().toString(), "--seeds", "0-3",
                "--out", a.toString(), "--interpolate", "3", "--device", "cpu").code()).isZero();
        assertThat(GanCommandsTest.run("gan", "generate", "--checkpoint", r.runDir().toString(), "--seeds", "0-3",
                "--out", b.toString(), "--device", "cpu").code()).isZero();
        assertThat(GanCommandsTest.run("gan", "generate", "--checkpoint", r.lastSnapshot().toString(), "--seeds", "2",
                "--out", other.toString(), "--device", "cpu").code()).isZero();

        assertThat(Files.readAllBytes(b.resolve("seed0001.png"))).isEqualTo(Files.readAllBytes(a.resolve("seed0001.png")));
        // (after two steps the eval-mode EMA generator still saturates most pixels, so compare its raw output)
        try (Sampler sampler = new Sampler(r.lastSnapshot(), new FastGanNetworks(), Device.cpu())) {
            float[] seed0 = sampler.generate(sampler.latent(0));
            assertThat(sampler.generate(sampler.latent(0))).isEqualTo(seed0);
            assertThat(sampler.generate(sampler.latent(1))).isNotEqualTo(seed0);
            assertThat(sampler.config()).isEqualTo(c);
        }
        // the same seed alone in its batch: the same image (eval-mode G, up to float rounding)
        assertThat(maxDifference(ImageIO.read(a.resolve("seed0002.png").toFile()),
                ImageIO.read(other.resolve("seed0002.png").toFile()))).isLessThanOrEqualTo(1);
        // the exported generator: a fraction of the snapshot, the same images, never resumable
        Path exported = tmp.resolve("export/g.safetensors");
        GanCommandsTest.Outcome export = GanCommandsTest.run("gan", "export", r.runDir().toString(), "--out",
                exported.toString());
        assertThat(export.code()).as(export.toString()).isZero();
        assertThat(Files.size(exported)).isLessThan(Files.size(r.lastSnapshot()) / 4);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SafeTensors.Content ex = SafeTensors.read(exported, m);
            assertThat(ex.tensors().keySet()).isNotEmpty().allMatch(k -> k.startsWith("G_ema."));
            assertThat(TrainConfig.fromJson(ex.metadata().get(Snapshot.META_CONFIG))).isEqualTo(c);
        }
        Path fromExport = tmp.resolve("gen-export");
        assertThat(GanCommandsTest.run("gan", "generate", "--checkpoint", exported.toString(), "--seeds", "0-3",
                "--out", fromExport.toString(), "--device", "cpu").code()).isZero();
        try (Sampler fromRun = new Sampler(r.lastSnapshot(), new FastGanNetworks(), Device.cpu());
             Sampler fromFile = new Sampler(exported, new FastGanNetworks(), Device.cpu())) {
            assertThat(fromFile.generate(fromFile.latent(1))).isEqualTo(fromRun.generate(fromRun.latent(1)));
        }
        assertThatThrownBy(() -> Snapshot.validate(exported)).hasMessageContaining("not a fewgen GAN snapshot");
        GanCommandsTest.Outcome twice = GanCommandsTest.run("gan", "export", tmp.resolve("nothing").toString(),
                "--out", tmp.resolve("x.safetensors").toString());
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("nothing: no such file or run folder");

        BufferedImage grid = ImageIO.read(a.resolve("grid.png").toFile());
        assertThat(grid.getWidth()).isEqualTo(2 * 64);
        assertThat(ImageIO.read(a.resolve("interpolation.png").toFile()).getWidth()).isEqualTo(4 * 64);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(a.resolve("interpolation.gif").toFile())) {
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(4 * 3);
        } finally {
            reader.dispose();
        }
    }

    private TrainingRun.Result train(TrainConfig c, Path resume) throws Exception {
        ImageSet set = ImageSources.load(c.run().data(), 64, Transform.CENTER_CROP, null, null);
        try (ImageSetData data = new ImageSetData(set, c.run().batch(), false, c.run().seed())) {
            return resume == null
                    ? TrainingRun.start(c, new FastGanNetworks(), data, Device.cpu(), new TrainingRun.Options())
                    : TrainingRun.resume(c, new FastGanNetworks(), data, Device.cpu(), RunDir.open(resume),
                            new TrainingRun.Options());
        }
    }

    @Test
    void resumeRebuildsTheFrozenNetworkAndContinuesBitForBit() throws Exception {
        TrainConfig longer = TrainConfig.builder().data("builtin:shapes").out(tmp.resolve("a").toString()).resolution(64)
                .generator(ConvKind.DSC).dConv(ConvKind.DSC).dInput(128).ngf(8).batch(2).kimg(0.008).snapKimg(0.004)
                .logEvery(1).seed(4).device("cpu").build();
        TrainingRun.Result straight = train(longer, null);
        TrainConfig shorter = TrainConfig.Builder.from(longer).out(tmp.resolve("b").toString()).kimg(0.004).build();
        TrainingRun.Result first = train(shorter, null);
        TrainingRun.Result resumed = train(TrainConfig.Builder.from(longer).out(tmp.resolve("b").toString()).build(),
                first.runDir());
        assertThat(resumed.nimg()).isEqualTo(straight.nimg());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> x = SafeTensors.read(straight.lastSnapshot(), m).tensors();
            Map<String, NDArray> y = SafeTensors.read(resumed.lastSnapshot(), m).tensors();
            assertThat(y.keySet()).isEqualTo(x.keySet());
            for (String k : x.keySet()) {
                assertThat(y.get(k).toByteArray()).as(k).isEqualTo(x.get(k).toByteArray());
            }
            // a snapshot whose frozen part was something else is refused, naming the file
            SafeTensors.Content c = SafeTensors.read(resumed.lastSnapshot(), m);
            Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
            meta.put(Snapshot.META_FROZEN_SHA256, "0".repeat(64));
            SafeTensors.write(resumed.lastSnapshot(), c.tensors(), meta);
        }
        TrainConfig evenLonger = TrainConfig.Builder.from(longer).out(tmp.resolve("b").toString()).kimg(0.012).build();
        assertThatThrownBy(() -> train(evenLonger, resumed.runDir()))
                .hasMessageContaining(resumed.lastSnapshot().getFileName().toString())
                .hasMessageContaining("feature network or projector rebuilt now differs");
    }

    private static int maxDifference(BufferedImage x, BufferedImage y) {
        int max = 0;
        for (int j = 0; j < x.getHeight(); j++) {
            for (int i = 0; i < x.getWidth(); i++) {
                int p = x.getRGB(i, j);
                int q = y.getRGB(i, j);
                for (int s = 0; s < 24; s += 8) {
                    max = Math.max(max, Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF)));
                }
            }
        }
        return max;
    }
}
