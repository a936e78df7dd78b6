package org.fewgen.examples;

import org.fewgen.FastGan;
import org.fewgen.Fid;
import org.fewgen.GanGenerator;
import org.fewgen.Uae;
import org.fewgen.backbone.NsfwjsImport;
import org.fewgen.cs.UaeConfig;
import org.fewgen.gan.ConvKind;
import org.fewgen.io.NpmPackage;
import org.fewgen.train.TrainConfig;
import org.fewgen.util.SettingException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The three library tasks of the README, run as a consumer of fewgen-core only (this module has no
 * dependency on fewgen-cli): train and generate, measure and recover, FID of two folders.
 */
class LibraryUseTest {

    /**
     * The nsfwjs Inception that {@code Fid.between} uses by default, in {@code $FEWGEN_WEIGHTS}
     * (../shared/weights in CI; the cache folder that this module's pom names otherwise), imported
     * from the npm package when it is not there yet.
     */
    @BeforeAll
    static void inceptionWeights() throws IOException {
        String dir = System.getenv("FEWGEN_WEIGHTS");
        assertThat(dir).as("FEWGEN_WEIGHTS (set by the pom when unset)").isNotBlank();
        Path folder = Path.of(dir);
        if (!Files.isRegularFile(folder.resolve(NsfwjsImport.INCEPTION_FILE))) {
            NsfwjsImport.ensure(NsfwjsImport.Model.INCEPTION_V3, folder, NpmPackage.defaultCacheRoot(), System.err::println);
        }
    }

    private static TrainConfig tinyGan(Path out) {
        return TrainConfig.builder().data("builtin:shapes").out(out.toString()).resolution(64)
                .generator(ConvKind.DSC).dConv(ConvKind.DSC).dInput(128).ngf(8).batch(2).kimg(0.004).snapKimg(0.004)
                .logEvery(1).seed(3).build();
    }

    @Test
    void trainsThenGeneratesFourImagesFromTheRunFolder(@TempDir Path tmp) throws IOException {
        List<Long> progress = new ArrayList<>();
        List<Map<String, Object>> records = new ArrayList<>();
        FastGan.Result r = FastGan.train(tinyGan(tmp.resolve("runs")), new FastGan.Listener() {
            @Override
            public void progress(long nimg, long totalNimg, double imagesPerSecond, String status) {
                progress.add(nimg);
                assertThat(totalNimg).isEqualTo(4);
            }

            @Override
            public void record(Map<String, Object> fields) {
                records.add(fields);
            }
        });
        assertThat(r.nimg()).isEqualTo(4);
        assertThat(progress).containsExactly(2L, 4L);
        assertThat(records).anySatisfy(m -> assertThat(m).containsKeys("loss_G", "loss_D"));
        assertThat(records).anySatisfy(m -> assertThat(m).containsEntry("event", "snapshot"));

        List<BufferedImage> images = GenerateImages.fourImages(r.runDir());
        assertThat(images).hasSize(4).allSatisfy(i -> assertThat(i.getWidth()).isEqualTo(64));
        try (GanGenerator g = r.generator()) {
            // the same seed gives the same pixels (after two steps the eval-mode EMA generator still
            // saturates most pixels, so different seeds may look alike here)
            assertThat(pixels(g.generate(2).get(0))).isEqualTo(pixels(images.get(2)));
            assertThat(g.resolution()).isEqualTo(64);
            List<BufferedImage> walk = g.interpolate(0, 3, 5);
            assertThat(walk).hasSize(5);
            assertThat(pixels(walk.get(0))).isEqualTo(pixels(images.get(0)));
            assertThat(pixels(walk.get(4))).isEqualTo(pixels(images.get(3)));
        }
    }

    @Test
    void badSettingsFailBeforeAnythingIsWrittenAndNameTheValue(@TempDir Path tmp) {
        Path runs = tmp.resolve("runs");
        // a config FastGAN cannot train cannot be made: the records check as the command does
        assertThatThrownBy(() -> TrainConfig.Builder.from(tinyGan(runs)).resolution(32).build())
                .isInstanceOf(SettingException.class).hasMessage("resolution 32: must be a power of two from 64 to 1024");
        assertThatThrownBy(() -> TrainConfig.Builder.from(tinyGan(runs)).ngf(12).build())
                .hasMessage("ngf 12: must be a positive multiple of 8");
        TrainConfig noData = TrainConfig.Builder.from(tinyGan(runs)).data(tmp.resolve("nope").toString()).build();
        assertThatThrownBy(() -> FastGan.train(noData, null)).hasMessageContaining("nope").hasMessageNotContaining("--");
        assertThat(runs).doesNotExist();
        assertThatThrownBy(() -> GanGenerator.load(tmp.resolve("missing")))
                .hasMessage(tmp.resolve("missing") + ": no such file or run folder");
    }

    @Test
    void measuresAndRecoversAnImageWithATrainedUae(@TempDir Path tmp) {
        UaeConfig c = new UaeConfig("builtin:digits:300", 12, 0.1f, "linear", new int[0], new int[] {64}, 2, 25,
                1e-3f, 0f, 0f, 1L, "", 0);
        Path run;
        try (Uae trained = Uae.train(c, tmp.resolve("runs"), "cpu", null)) {
            run = trained.runDir();
            assertThat(trained.pixels()).isEqualTo(784);
        }
        float[] x = new float[784];
        for (int i = 300; i < 480; i++) {
            x[i] = 1f;
        }
        float[] xHat = RecoverImage.recover(run, x);
        assertThat(xHat).hasSize(784);
        for (float v : xHat) {
            assertThat(v).isBetween(0f, 1f);
        }
        try (Uae u = Uae.load(run, "cpu")) {
            float[] y = u.measure(x);
            assertThat(y).hasSize(12);
            assertThat(u.recover(y)).containsExactly(xHat);
            // a linear encoder: measuring 2x gives twice the measurements
            float[] x2 = x.clone();
            for (int i = 0; i < x2.length; i++) {
                x2[i] *= 2;
            }
            float[] y2 = u.measure(x2);
            for (int i = 0; i < y.length; i++) {
                assertThat(y2[i]).isCloseTo(2 * y[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
            assertThatThrownBy(() -> u.recover(new float[5])).hasMessage("measurement vector has 5 values; this model takes 12");
        }
        assertThatThrownBy(() -> Uae.load(tmp)).hasMessageStartingWith(tmp + ": not a finished UAE run");
    }

    @Test
    void fidOfTwoFolders(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        for (int i = 0; i < 6; i++) {
            ImageIO.write(square(i * 3, 0xD02020), "png", a.resolve(i + ".png").toFile());
            ImageIO.write(square(i * 3, 0x2020D0), "png", b.resolve(i + ".png").toFile());
        }
        Fid.Result same = Fid.builder().resolution(64).cache(false).device("cpu").build().compute(a.toString(), a.toString());
        assertThat(same.fid()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-3));
        double fid = Fid.between(a, b);
        assertThat(fid).isFinite().isGreaterThan(1);
        try (Stream<Path> s = Files.list(a)) {
            assertThat(s.count()).isEqualTo(6);
        }
    }

    private static BufferedImage square(int offset, int rgb) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean in = x >= 10 + offset && x < 40 + offset && y >= 12 && y < 42;
                img.setRGB(x, y, in ? rgb : 0xF0F0F0);
            }
        }
        return img;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
