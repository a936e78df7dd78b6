package org.fewgen.train;

import org.fewgen.gan.ConvKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImagesAndConfigTest {

    @TempDir
    Path tmp;

    @Test
    void gridPlacesImagesRowByRowWithExactColours() throws Exception {
        int r = 2;
        // image 0 all red (1,-1,-1), image 1 all blue, image 2 mid grey (0,0,0)
        float[] px = new float[3 * 3 * r * r];
        fill(px, 0, r, 1f, -1f, -1f);
        fill(px, 1, r, -1f, -1f, 1f);
        fill(px, 2, r, 0f, 0f, 0f);
        BufferedImage grid = ImageGrid.grid(px, 3, r, 2);
        assertThat(grid.getWidth()).isEqualTo(4);
        assertThat(grid.getHeight()).isEqualTo(4);
        assertThat(grid.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(grid.getRGB(3, 1) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(grid.getRGB(1, 3) & 0xFFFFFF).isEqualTo(0x808080);
        Path png = tmp.resolve("g.png");
        ImageGrid.writePng(png, grid);
        assertThat(ImageIO.read(png.toFile()).getRGB(3, 1) & 0xFFFFFF).isEqualTo(0x0000FF);
        assertThat(ImageGrid.toByte(Float.NaN)).isZero();
        assertThat(ImageGrid.toByte(7f)).isEqualTo(255);
    }

    @Test
    void grayRowsPutOneImageSetPerRowScaledOnABackground() {
        // two sets of two 2x2 images: set 0 black then white, set 1 a clamped ramp
        float[] first = {0, 0, 0, 0, 1, 1, 1, 1};
        float[] second = {-0.5f, 0.5f, 1.5f, 0.25f, 0, 0, 0, 0};
        BufferedImage g = ImageGrid.grayRows(java.util.List.of(first, second), 2, 2, 3);
        // 2 images of 2*3 pixels plus 2-pixel gaps: 2 + 2*(6+2) wide, the same high for 2 rows
        assertThat(g.getWidth()).isEqualTo(18);
        assertThat(g.getHeight()).isEqualTo(18);
        assertThat(g.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x3060a0);
        assertThat(g.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(g.getRGB(10, 7) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        // row 1 starts at y = 2 + 8; pixel (1,0) of its first image covers x 5..7
        assertThat(g.getRGB(2, 10) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(g.getRGB(5, 10) & 0xFFFFFF).isEqualTo(0x808080);
        assertThat(g.getRGB(2, 13) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(g.getRGB(7, 15) & 0xFFFFFF).isEqualTo(0x404040);
    }

    private static void fill(float[] px, int i, int r, float red, float green, float blue) {
        int plane = r * r;
        for (int k = 0; k < plane; k++) {
            px[i * 3 * plane + k] = red;
            px[i * 3 * plane + plane + k] = green;
            px[i * 3 * plane + 2 * plane + k] = blue;
        }
    }

    @Test
    void animatedGifHasAllFramesAndLoopsForever() throws Exception {
        List<BufferedImage> frames = new java.util.ArrayList<>();
        for (int c : new int[] {0xFF0000, 0x00FF00, 0x0000FF}) {
            BufferedImage f = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    f.setRGB(x, y, c);
                }
            }
            frames.add(f);
        }
        Path gif = tmp.resolve("a.gif");
        AnimatedGif.write(gif, frames, 100);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(3);
            assertThat(reader.read(1).getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x00FF00);
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
            assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
            assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
            IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
            assertThat(gce.getAttribute("delayTime")).isEqualTo("10");
        } finally {
            reader.dispose();
        }
    }

    @Test
    void configRoundTripsThroughJsonAndNamesBadFlags() {
        TrainConfig c = TrainConfig.builder().data("builtin:shapes").resolution(64).generator(ConvKind.CONV)
                .batch(16).kimg(2.5).ngf(32).seed(11).backboneWeights("w.safetensors").build();
        assertThat(TrainConfig.fromJson(c.toJson())).isEqualTo(c);
        assertThat(c.toJson()).contains("\"conv\": \"CONV\"", "\"emaKimg\": 5.0");
        assertThat(c.description()).isEqualTo("fastgan-conv-shapes-64");
        assertThat(c.run().totalSteps()).isEqualTo(157); // ceil(2500 / 16)

        assertThatThrownBy(() -> TrainConfig.builder().data("x").resolution(48).build()).hasMessage("resolution 48: must be a power of two from 64 to 1024");
        assertThatThrownBy(() -> TrainConfig.builder().data("x").batch(1).build()).hasMessageStartingWith("batch 1: ");
        assertThatThrownBy(() -> TrainConfig.builder().data("x").kimg(0).build()).hasMessageStartingWith("kimg 0.0: ");
        assertThatThrownBy(() -> TrainConfig.builder().data("x").snapKimg(-1).build()).hasMessageStartingWith("snapKimg -1.0: ");
        assertThatThrownBy(() -> TrainConfig.builder().build()).hasMessage("data: is required");

        TrainConfig other = TrainConfig.Builder.from(c).resolution(128).kimg(9).build();
        assertThatThrownBy(() -> c.requireSameArchitecture(other))
                .hasMessage("resolution 128: differs from the resumed run's 64 (fixed for a run: cannot change on resume)");
        c.requireSameArchitecture(TrainConfig.Builder.from(c).kimg(9).logEvery(3).build());
        assertThat(c.architectureHash()).isEqualTo(TrainConfig.Builder.from(c).kimg(9).build().architectureHash())
                .isNotEqualTo(other.architectureHash());
    }

    @Test
    void dInputDefaultsTo224AlsoInConfigsWrittenBeforeIt() {
        TrainConfig c = TrainConfig.builder().data("builtin:shapes").resolution(64).build();
        assertThat(c.discriminator().featureInputSize()).isEqualTo(224);
        // flat config files written before the option have no dInput, or 0
        var flat = com.google.gson.JsonParser.parseString(TrainConfigJsonTest.FLAT).getAsJsonObject();
        flat.remove("dInput");
        assertThat(TrainConfig.fromJson(flat.toString()).discriminator().featureInputSize()).isEqualTo(224);
        flat.addProperty("dInput", 0);
        assertThat(TrainConfig.fromJson(flat.toString()).discriminator().featureInputSize()).isEqualTo(224);
        assertThat(TrainConfig.Builder.from(c).dInput(128).build().discriminator().featureInputSize()).isEqualTo(128);
        assertThatThrownBy(() -> TrainConfig.builder().data("x").dInput(112).build())
                .hasMessageStartingWith("dInput 112: must be a multiple of 32 and at least 128");
    }

    @Test
    void dataLabelsAndRunNumbers() throws Exception {
        assertThat(TrainConfig.dataLabel("builtin:shapes")).isEqualTo("shapes");
        assertThat(TrainConfig.dataLabel("/data/My Faces.zip")).isEqualTo("my-faces");
        assertThat(TrainConfig.dataLabel("openmoji:animals-nature")).isEqualTo("openmoji-animals-nature");
        assertThat(TrainConfig.dataLabel("folder/")).isEqualTo("folder");
        Files.createDirectories(tmp.resolve("00003-old"));
        Files.createDirectories(tmp.resolve("notarun"));
        assertThat(RunDir.create(tmp, "x").path().getFileName().toString()).isEqualTo("00004-x");
        assertThat(RunDir.kimgLabel(12000)).isEqualTo("000012");
        assertThat(RunDir.kimgLabel(16)).isEqualTo("000000.016");
    }

    @Test
    void metricsLogCutsATornLastLineOnReopen() throws Exception {
        Path f = tmp.resolve("m.jsonl");
        Files.writeString(f, "{\"kimg\":1.0}\n{\"kimg\":2.");
        try (MetricsLog log = new MetricsLog(f)) {
            log.event("resume", null);
        }
        assertThat(Files.readAllLines(f)).containsExactly("{\"kimg\":1.0}", "{\"event\":\"resume\"}");
    }
}
