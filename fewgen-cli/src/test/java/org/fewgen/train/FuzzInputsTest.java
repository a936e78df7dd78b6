package org.fewgen.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.backbone.PretrainedWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged inputs, all made here, through the CLI: each gives one line naming the file and what is
 * wrong, exit status 2, and leaves every earlier output as it was.
 */
class FuzzInputsTest {

    @TempDir
    Path tmp;

    /** Runs the command and checks the one-line error and that nothing under {@code outputs} changed. */
    private String fails(Path outputs, String... args) throws IOException {
        Map<String, String> before = tree(outputs);
        GanCommandsTest.Outcome o = GanCommandsTest.run(args);
        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err()).startsWith("fewgen: error: ");
        assertThat(o.err().lines().count()).as(o.err()).isEqualTo(1);
        assertThat(tree(outputs)).isEqualTo(before);
        return o.err();
    }

    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                out.put(dir.relativize(p).toString(), Files.isRegularFile(p)
                        ? Arrays.hashCode(Files.readAllBytes(p)) + ":" + Files.size(p) : "dir");
            }
        }
        return out;
    }

    private Path earlierZip() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("set.zip"), "an earlier prepared set");
        return out;
    }

    private String prepare(Path source) throws IOException {
        Path out = earlierZip();
        return fails(out, "data", "prepare", source.toString(), "--out", out.resolve("set.zip").toString(), "--res", "16",
                "--no-cache");
    }

    private Path folderWith(String name, byte[] bytes) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("images-" + name.replace('.', '-')));
        Files.write(dir.resolve(name), bytes);
        return dir;
    }

    private static byte[] png(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void badImages() throws IOException {
        byte[] good = TestPng.solid();
        assertThat(prepare(folderWith("cut.png", Arrays.copyOf(good, good.length / 2))))
                .contains("no decodable images").contains("cut.png");
        assertThat(prepare(folderWith("empty.png", new byte[0]))).contains("empty.png").contains("empty file");
        assertThat(prepare(folderWith("text.jpg", "hello, not a picture\n".getBytes(StandardCharsets.UTF_8))))
                .contains("text.jpg");
        assertThat(prepare(folderWith("huge.png", png(60_000, 60_000))))
                .contains("huge.png").contains("60000x60000").contains("megapixels");
    }

    @Test
    void badZips() throws IOException {
        Path random = tmp.resolve("random.zip");
        Files.write(random, "PK\u0003\u0004 this is no zip at all".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(prepare(random)).contains("random.zip");
        Path good = tmp.resolve("good.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(good))) {
            for (int i = 0; i < 4; i++) {
                z.putNextEntry(new ZipEntry("img" + i + ".png"));
                z.write(TestPng.solid());
                z.closeEntry();
            }
        }
        byte[] all = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(all, all.length - 30)); // the central directory is gone
        assertThat(prepare(cut)).contains("cut.zip");
        Path noImages = tmp.resolve("text.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noImages))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("nothing".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertThat(prepare(noImages)).contains("text.zip").contains("no image files");
    }

    @Test
    void badIdx() throws IOException {
        Path wrongMagic = tmp.resolve("wrong-magic-idx3-ubyte");
        Files.write(wrongMagic, ByteBuffer.allocate(16 + 4 * 4).putInt(0x12345678).putInt(4).putInt(2).putInt(2).array());
        assertThat(prepare(wrongMagic)).contains("wrong-magic-idx3-ubyte");
        Path shortData = tmp.resolve("short-idx3-ubyte");
        Files.write(shortData, ByteBuffer.allocate(16 + 10).putInt(0x00000803).putInt(100).putInt(28).putInt(28).array());
        assertThat(prepare(shortData)).contains("short-idx3-ubyte");
    }

    /** The bundled MobileNetV2 weights as a header and data, to damage in one place at a time. */
    private record Weights(JsonObject header, byte[] data) {
        static Weights bundled() throws IOException {
            byte[] all;
            try (InputStream in = PretrainedWeights.class.getResourceAsStream(PretrainedWeights.MOBILENETV2_RESOURCE)) {
                all = in.readAllBytes();
            }
            long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            JsonObject h = JsonParser.parseString(new String(all, 8, (int) n, StandardCharsets.UTF_8)).getAsJsonObject();
            return new Weights(h, Arrays.copyOfRange(all, 8 + (int) n, all.length));
        }

        Path write(Path file, long claimedHeaderLength) throws IOException {
            byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(claimedHeaderLength < 0 ? h.length : claimedHeaderLength).array());
            out.writeBytes(h);
            out.writeBytes(data);
            Files.write(file, out.toByteArray());
            return file;
        }

        JsonObject tensor(String name) {
            return header.getAsJsonObject(name);
        }
    }

    private String train(Path weights) throws IOException {
        Path runs = tmp.resolve("runs");
        Path earlier = Files.createDirectories(runs.resolve("00000-fastgan-dsc-shapes-64"));
        Files.writeString(earlier.resolve("metrics.jsonl"), "{\"event\":\"start\"}\n");
        return fails(runs, "gan", "train", "--data", "builtin:shapes", "--res", "64", "--ngf", "8", "--batch", "2",
                "--kimg", "0.002", "--d-input", "128", "--out", runs.toString(), "--backbone-weights", weights.toString());
    }

    @Test
    void badSafetensors() throws IOException {
        Weights w = Weights.bundled();
        String first = "conv_stem.weight";
        assertThat(w.tensor(first)).as("bundled names").isNotNull();

        Path pastEof = w.write(tmp.resolve("past-eof.safetensors"), 1L << 40);
        assertThat(train(pastEof)).contains("past-eof.safetensors").contains("header length");

        Weights overlap = Weights.bundled();
        String other = "bn1.weight";
        overlap.tensor(other).add("data_offsets", overlap.tensor(first).getAsJsonArray("data_offsets").deepCopy());
        overlap.tensor(other).add("shape", overlap.tensor(first).getAsJsonArray("shape").deepCopy());
        assertThat(train(overlap.write(tmp.resolve("overlap.safetensors"), -1)))
                .contains("overlap.safetensors").contains("overlap");

        Weights nan = Weights.bundled();
        long begin = nan.tensor(first).getAsJsonArray("data_offsets").get(0).getAsLong();
        ByteBuffer.wrap(nan.data()).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) begin + 8, Float.NaN);
        assertThat(train(nan.write(tmp.resolve("nan.safetensors"), -1)))
                .contains("nan.safetensors").contains("'" + first + "'").contains("non-finite");

        Weights shape = Weights.bundled();
        var dims = shape.tensor(first).getAsJsonArray("shape"); // (32, 3, 3, 3) -> (32, 27, 1, 1): same bytes
        long c = dims.get(1).getAsLong() * dims.get(2).getAsLong() * dims.get(3).getAsLong();
        com.google.gson.JsonArray flat = new com.google.gson.JsonArray();
        flat.add(dims.get(0).getAsLong());
        flat.add(c);
        flat.add(1);
        flat.add(1);
        shape.tensor(first).add("shape", flat);
        assertThat(train(shape.write(tmp.resolve("shape.safetensors"), -1)))
                .contains("shape.safetensors").contains(first).contains("shape");
    }

    @Test
    void fileOptionsWhereFoldersAreNeededAndImpossibleGrids() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThat(fails(tmp, "gan", "train", "--data", "builtin:shapes", "--res", "64", "--out", file.toString()))
                .isEqualTo("fewgen: error: --out " + file + ": is a file, not a folder" + System.lineSeparator());
        assertThat(fails(tmp, "gan", "generate", "--checkpoint", tmp.toString(), "--out", file.toString()))
                .isEqualTo("fewgen: error: --out " + file + ": is a file, not a folder" + System.lineSeparator());
        assertThat(fails(tmp, "gan", "generate", "--checkpoint", tmp.toString(), "--out", tmp.resolve("g").toString(),
                "--seeds", "0-3", "--grid", "10x10"))
                .isEqualTo("fewgen: error: --grid 10x10 has 100 cells but --seeds gives only 4 images"
                        + System.lineSeparator());
        assertThat(fails(tmp, "cs", "train", "--epochs", "0", "--runs", tmp.resolve("runs").toString()))
                .isEqualTo("fewgen: error: --epochs 0: must be at least 1" + System.lineSeparator());
        assertThat(tmp.resolve("runs")).doesNotExist();
        assertThat(org.fewgen.cli.FewgenCommandAccess.describe(new java.nio.file.FileAlreadyExistsException("runs")))
                .isEqualTo("runs: already exists (a file where a folder is needed?)");
    }

    /** A small valid PNG made with ImageIO. */
    static final class TestPng {
        static byte[] solid() throws IOException {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(20, 20,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(img, "png", out);
            return out.toByteArray();
        }
    }
}
