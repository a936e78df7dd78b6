package org.fewgen.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

class DataPrepareCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    private static Path sourceFolder(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 30, 20);
            g.setColor(new Color(200, 40 * i, 30));
            g.fillOval(2 + 5 * i, 3, 12, 12);
            g.dispose();
            ImageIO.write(img, "png", src.resolve("img" + i + ".png").toFile());
        }
        Files.writeString(src.resolve("bad.jpg"), "not a jpeg");
        return src;
    }

    @Test
    void prepareWritesAZipThatLoadsBackToTheSamePixels(@TempDir Path dir) throws IOException {
        Path src = sourceFolder(dir);
        Path zip = dir.resolve("out/set.zip");

        CommandRun r = run("data", "prepare", src.toString(), "--out", zip.toString(), "--res", "16",
                "--transform", "pad", "--mirror", "--no-cache");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(1);
        assertThat(r.out()).contains("wrote " + zip).contains("6 images of 16x16").contains("1 files skipped");
        ImageSet expected = ImageSources.load(src.toString(), 16, Transform.PAD, null, null).withMirrors();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.stream().map(e -> e.getName()))
                    .containsExactly("dataset.json", "00000.png", "00001.png", "00002.png", "00003.png", "00004.png",
                            "00005.png");
            JsonObject json = JsonParser.parseString(new String(z.getInputStream(z.getEntry("dataset.json"))
                    .readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            assertThat(json.get("count").getAsInt()).isEqualTo(6);
            assertThat(json.get("resolution").getAsInt()).isEqualTo(16);
            assertThat(json.get("transform").getAsString()).isEqualTo("pad");
            assertThat(json.get("mirrored_copies").getAsInt()).isEqualTo(3);
            assertThat(json.get("source").getAsString()).startsWith(src.toString());
            assertThat(json.getAsJsonArray("skipped").get(0).getAsString()).startsWith("bad.jpg");
            assertThat(json.get("fingerprint").getAsString()).isEqualTo(expected.fingerprint());
        }
        ImageSet back = ImageSources.load(zip.toString(), 16, Transform.CENTER_CROP, null, null);
        assertThat(back.size()).isEqualTo(6);
        assertThat(back.pixels()).isEqualTo(expected.pixels());
        assertThat(back.fingerprint()).isEqualTo(expected.fingerprint());

        Path tensors = dir.resolve("set.safetensors");
        assertThat(run("data", "prepare", src.toString(), "--out", tensors.toString(), "--res", "16", "--no-cache")
                .code()).isZero();
        assertThat(ImageSources.load(tensors.toString(), 16, Transform.CENTER_CROP, null, null).pixels())
                .isEqualTo(ImageSources.load(src.toString(), 16, Transform.CENTER_CROP, null, null).pixels());
    }

    @Test
    void errorsAreOneLineAndKeepEarlierOutput(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("keep.zip");
        Files.writeString(zip, "earlier output");

        CommandRun missing = run("data", "prepare", dir.resolve("nope").toString(), "--out", zip.toString(), "--res", "16",
                "--no-cache");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("fewgen: error: ").contains("nope")
                .contains("no such file or folder").doesNotContain("\n");
        assertThat(Files.readString(zip)).isEqualTo("earlier output");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("x.png"), "broken");
        CommandRun undecodable = run("data", "prepare", empty.toString(), "--out", zip.toString(), "--res", "16",
                "--no-cache");
        assertThat(undecodable.code()).isEqualTo(2);
        assertThat(undecodable.err()).contains("no decodable images (1 files skipped");
        assertThat(Files.readString(zip)).isEqualTo("earlier output");

        CommandRun badTransform = run("data", "prepare", "builtin:shapes:2", "--out", zip.toString(), "--res", "16",
                "--transform", "stretch");
        assertThat(badTransform.code()).isNotZero();
        assertThat(badTransform.err()).contains("stretch");

        CommandRun badOut = run("data", "prepare", "builtin:shapes:2", "--out", dir.resolve("x.tar").toString(),
                "--res", "16");
        assertThat(badOut.code()).isNotZero();
        assertThat(badOut.err()).contains(".zip or .safetensors");
    }
}
