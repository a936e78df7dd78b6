package org.fewgen.data;

import org.fewgen.TestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageSourcesTest {

    private static ImageSet load(Path src, int res, Transform t) {
        return ImageSources.load(src.toString(), res, t, null, null);
    }

    @Test
    void readsEveryFormatFromANestedFolderInPathOrder(@TempDir Path dir) throws IOException {
        TestImages.write(TestImages.solid(8, 8, Color.RED), "png", dir.resolve("a.png"));
        TestImages.write(TestImages.solid(8, 8, Color.BLUE), "jpg", dir.resolve("b.jpg"));
        TestImages.write(TestImages.solid(8, 8, Color.GREEN), "bmp", dir.resolve("c.bmp"));
        TestImages.write(TestImages.solid(8, 8, Color.YELLOW), "gif", dir.resolve("sub/d.gif"));
        Files.writeString(dir.resolve("sub/e.svg"), TestImages.svg(10, 10, "#ff00ff"));
        Files.writeString(dir.resolve("notes.txt"), "not an image, ignored");

        ImageSet set = load(dir, 8, Transform.CENTER_CROP);

        assertThat(set.size()).isEqualTo(5);
        assertThat(set.resolution()).isEqualTo(8);
        assertThat(set.skipped()).isEmpty();
        assertThat(set.pixels()).hasSize(5 * 3 * 8 * 8);
        assertThat(TestImages.rgb(set, 0, 4, 4)).containsExactly(255, 0, 0);
        int[] blue = TestImages.rgb(set, 1, 4, 4);
        assertThat(blue[0]).isLessThan(10);
        assertThat(blue[2]).isGreaterThan(245);
        assertThat(TestImages.rgb(set, 2, 4, 4)).containsExactly(0, 255, 0);
        assertThat(TestImages.rgb(set, 3, 4, 4)).containsExactly(255, 255, 0);
        assertThat(TestImages.rgb(set, 4, 4, 4)).containsExactly(255, 0, 255);
        // SVG is rendered edge to edge: no white border at the corners.
        assertThat(TestImages.rgb(set, 4, 0, 0)).containsExactly(255, 0, 255);
    }

    @Test
    void greyPaletteSixteenBitAndAlphaBecomeRgbOnWhite(@TempDir Path dir) throws IOException {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        fillSamples(grey.getRaster(), 100);
        TestImages.write(grey, "png", dir.resolve("1-grey.png"));

        BufferedImage grey16 = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        fillSamples(grey16.getRaster(), 0x8080); // 32896 / 65535 * 255 = 128.0
        TestImages.write(grey16, "png", dir.resolve("2-grey16.png"));

        IndexColorModel palette = new IndexColorModel(2, 2, new byte[] {10, (byte) 200}, new byte[] {20, 100},
                new byte[] {30, 50});
        BufferedImage indexed = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_BINARY, palette);
        fillSamples(indexed.getRaster(), 1);
        TestImages.write(indexed, "png", dir.resolve("3-palette.png"));

        ComponentColorModel cm16 = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r16 = cm16.createCompatibleWritableRaster(4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                r16.setPixel(x, y, new int[] {65535, 0x8080, 0});
            }
        }
        TestImages.write(new BufferedImage(cm16, r16, false, null), "png", dir.resolve("4-rgb16.png"));

        BufferedImage alpha = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(0, 0, 0x00000000); // fully transparent black -> white
        alpha.setRGB(1, 0, 0x80ff0000); // half-transparent red -> pink
        for (int y = 1; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                alpha.setRGB(x, y, 0xff0000ff);
            }
        }
        alpha.setRGB(2, 0, 0xff0000ff);
        alpha.setRGB(3, 0, 0xff0000ff);
        TestImages.write(alpha, "png", dir.resolve("5-alpha.png"));

        ImageSet set = load(dir, 4, Transform.CENTER_CROP);

        assertThat(set.size()).isEqualTo(5);
        assertThat(TestImages.rgb(set, 0, 2, 2)).containsExactly(100, 100, 100);
        assertThat(TestImages.rgb(set, 1, 2, 2)).containsExactly(128, 128, 128);
        assertThat(TestImages.rgb(set, 2, 2, 2)).containsExactly(200, 100, 50);
        assertThat(TestImages.rgb(set, 3, 2, 2)).containsExactly(255, 128, 0);
        assertThat(TestImages.rgb(set, 4, 0, 0)).containsExactly(255, 255, 255);
        int[] pink = TestImages.rgb(set, 4, 0, 1);
        assertThat(pink[0]).isEqualTo(255);
        assertThat(pink[1]).isBetween(125, 129);
        assertThat(pink[2]).isBetween(125, 129);
        assertThat(TestImages.rgb(set, 4, 3, 3)).containsExactly(0, 0, 255);
        assertThat(set.grayscale(0)[0]).isCloseTo(100 / 255f, org.assertj.core.data.Offset.offset(1e-5f));
        // Luma weights 0.299 R + 0.587 G + 0.114 B: pure blue is dark.
        assertThat(set.grayscale(4)[15]).isCloseTo(0.114f, org.assertj.core.data.Offset.offset(1e-5f));
        float[] all = set.grayscaleAll();
        assertThat(all).hasSize(5 * 16);
        assertThat(all[4 * 16 + 15]).isEqualTo(set.grayscale(4)[15]);
    }

    private static void fillSamples(WritableRaster raster, int value) {
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                raster.setSample(x, y, 0, value);
            }
        }
    }

    /** 8 wide, 4 high: columns 0-1 red, 2-3 green, 4-5 blue, 6-7 black. */
    private static BufferedImage stripes() {
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xff0000, 0x00ff00, 0x0000ff, 0x000000};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, colours[x / 2]);
            }
        }
        return img;
    }

    @Test
    void centreCropKeepsTheMiddleAndPadAddsWhite(@TempDir Path dir) {
        TestImages.write(stripes(), "png", dir.resolve("wide.png"));

        ImageSet crop = load(dir, 4, Transform.CENTER_CROP);
        assertThat(TestImages.rgb(crop, 0, 0, 0)).containsExactly(0, 255, 0);
        assertThat(TestImages.rgb(crop, 0, 3, 3)).containsExactly(0, 0, 255);

        ImageSet pad = load(dir, 8, Transform.PAD);
        assertThat(TestImages.rgb(pad, 0, 0, 0)).containsExactly(255, 255, 255);
        assertThat(TestImages.rgb(pad, 0, 1, 7)).containsExactly(255, 255, 255);
        assertThat(TestImages.rgb(pad, 0, 2, 0)).containsExactly(255, 0, 0);
        assertThat(TestImages.rgb(pad, 0, 5, 7)).containsExactly(0, 0, 0);
        assertThat(TestImages.rgb(pad, 0, 6, 3)).containsExactly(255, 255, 255);

        // A non-square SVG follows the same rule.
        Path svgDir = dir.resolve("svg");
        try {
            Files.createDirectories(svgDir);
            Files.writeString(svgDir.resolve("tall.svg"), TestImages.svg(10, 20, "#000000"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        ImageSet svgPad = load(svgDir, 8, Transform.PAD);
        assertThat(TestImages.rgb(svgPad, 0, 4, 0)).containsExactly(255, 255, 255);
        assertThat(TestImages.rgb(svgPad, 0, 4, 4)).containsExactly(0, 0, 0);
        ImageSet svgCrop = load(svgDir, 8, Transform.CENTER_CROP);
        assertThat(TestImages.rgb(svgCrop, 0, 4, 0)).containsExactly(0, 0, 0);
    }

    /** A JPEG of {@code img} with an EXIF APP1 segment holding only the orientation tag. */
    private static byte[] jpegWithOrientation(BufferedImage img, int orientation) {
        byte[] jpeg = TestImages.encode(img, "jpg");
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
            0, 0, 0, 0, 0, 0};
        int segLen = 2 + 6 + tiff.length;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(jpeg, 0, 2);
        b.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (segLen >> 8), (byte) segLen, 'E', 'x', 'i', 'f', 0, 0},
                0, 10);
        b.write(tiff, 0, tiff.length);
        b.write(jpeg, 2, jpeg.length - 2);
        return b.toByteArray();
    }

    @Test
    void jpegExifOrientationIsApplied(@TempDir Path dir) throws IOException {
        // 8 wide, 4 high: left half red, right half blue; orientation 6 = stored rotated, show 90° clockwise.
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, x < 4 ? 0xff0000 : 0x0000ff);
            }
        }
        Files.write(dir.resolve("rotated.jpg"), jpegWithOrientation(img, 6));
        ImageSet set = load(dir, 8, Transform.PAD);
        assertThat(ImageDecoding.exifOrientation(Files.readAllBytes(dir.resolve("rotated.jpg")))).isEqualTo(6);
        // Upright it is 4 wide and 8 high: white bars left and right, red on top, blue below.
        assertThat(TestImages.rgb(set, 0, 4, 0)).containsExactly(255, 255, 255);
        int[] top = TestImages.rgb(set, 0, 1, 4);
        int[] bottom = TestImages.rgb(set, 0, 6, 4);
        assertThat(top[0]).isGreaterThan(200);
        assertThat(top[2]).isLessThan(60);
        assertThat(bottom[2]).isGreaterThan(200);
        assertThat(bottom[0]).isLessThan(60);

        int[] px = {1, 2, 3, 4, 5, 6}; // 3 wide, 2 high
        assertThat(ImageDecoding.orient(px, 3, 2, 2)).containsExactly(3, 2, 1, 6, 5, 4);
        assertThat(ImageDecoding.orient(px, 3, 2, 3)).containsExactly(6, 5, 4, 3, 2, 1);
        assertThat(ImageDecoding.orient(px, 3, 2, 6)).containsExactly(4, 1, 5, 2, 6, 3);
        assertThat(ImageDecoding.orient(px, 3, 2, 8)).containsExactly(3, 6, 2, 5, 1, 4);
        assertThat(ImageDecoding.orient(px, 3, 2, 5)).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void downscalingAveragesAreas(@TempDir Path dir) {
        BufferedImage checker = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0x000000);
            }
        }
        TestImages.write(checker, "png", dir.resolve("c.png"));
        ImageSet half = load(dir, 2, Transform.CENTER_CROP);
        for (int i = 0; i < 3 * 2 * 2; i++) {
            assertThat(half.pixels()[i] & 0xff).isEqualTo(128);
        }
        // 4 -> 3: each output pixel covers 4/3 source pixels; still a mix, never pure black/white.
        ImageSet three = load(dir, 3, Transform.CENTER_CROP);
        for (int i = 0; i < 3 * 3 * 3; i++) {
            assertThat(three.pixels()[i] & 0xff).isBetween(60, 195);
        }
    }

    @Test
    void skipsUndecodableFilesAndListsThem(@TempDir Path dir) throws IOException {
        TestImages.write(TestImages.solid(4, 4, Color.RED), "png", dir.resolve("good1.png"));
        TestImages.write(TestImages.solid(4, 4, Color.RED), "png", dir.resolve("good2.png"));
        Files.writeString(dir.resolve("broken.png"), "this is not a png");
        Files.write(dir.resolve("empty.jpg"), new byte[0]);
        Files.writeString(dir.resolve("bad.svg"), "<svg");

        ImageSet set = load(dir, 4, Transform.CENTER_CROP);

        assertThat(set.size()).isEqualTo(2);
        assertThat(set.skipped()).hasSize(3);
        assertThat(String.join(" ", set.skipped())).contains("broken.png").contains("empty.jpg").contains("bad.svg");
    }

    @Test
    void clearErrorsForUnusableSources(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> load(empty, 8, Transform.CENTER_CROP)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(empty.toString()).hasMessageContaining("no image files");

        Path onlyText = Files.createDirectories(dir.resolve("text"));
        Files.writeString(onlyText.resolve("a.txt"), "hello");
        assertThatThrownBy(() -> load(onlyText, 8, Transform.CENTER_CROP))
                .hasMessageContaining("no image files").hasMessageContaining("1 other files ignored");

        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Files.writeString(corrupt.resolve("x.png"), "garbage");
        Files.writeString(corrupt.resolve("y.jpg"), "garbage");
        Files.writeString(corrupt.resolve("z.gif"), "garbage");
        assertThatThrownBy(() -> load(corrupt, 8, Transform.CENTER_CROP))
                .hasMessageStartingWith(corrupt.toString())
                .hasMessageContaining("no decodable images (3 files skipped");

        assertThatThrownBy(() -> load(dir.resolve("missing"), 8, Transform.CENTER_CROP))
                .hasMessageContaining("missing").hasMessageContaining("no such file or folder");

        Path txt = Files.writeString(dir.resolve("readme.txt"), "plain text");
        assertThatThrownBy(() -> load(txt, 8, Transform.CENTER_CROP))
                .hasMessageContaining("readme.txt").hasMessageContaining("not a folder, .zip, IDX");

        Path emptyFile = Files.write(dir.resolve("nothing.bin"), new byte[0]);
        assertThatThrownBy(() -> load(emptyFile, 8, Transform.CENTER_CROP)).hasMessageContaining("empty file");

        Path badZip = Files.write(dir.resolve("bad.zip"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        assertThatThrownBy(() -> load(badZip, 8, Transform.CENTER_CROP)).isInstanceOf(DataException.class)
                .hasMessageContaining("bad.zip");
    }

    @Test
    void namedSourcesNeedFewgenData() {
        assertThatThrownBy(() -> ImageSources.resolve("mnist", null))
                .hasMessageContaining("FEWGEN_DATA").hasMessageContaining("set it");
        assertThatThrownBy(() -> ImageSources.resolve("openmoji:animals-nature", ""))
                .hasMessageContaining("FEWGEN_DATA");
        Path data = TestEnv.data();
        assertThatThrownBy(() -> ImageSources.resolve("openmoji:foo", data.toString()))
                .hasMessageStartingWith("openmoji:foo: no such folder under $FEWGEN_DATA/openmoji")
                .hasMessageContaining("animals-nature");
        assertThatThrownBy(() -> ImageSources.resolve("builtin:nope", null)).hasMessageContaining("builtin:shapes");
        assertThatThrownBy(() -> ImageSources.resolve("builtin:shapes:0", null))
                .hasMessageContaining("not a positive image count");
    }

    @Test
    void openMojiCategoryAndSubPath() {
        Path data = TestEnv.data();
        ImageSources.SourceSpec spec = ImageSources.resolve("openmoji:animals-nature/animal-mammal", data.toString());
        assertThat(spec.kind()).isEqualTo(ImageSources.Kind.FOLDER);
        assertThat(spec.path()).isEqualTo(data.resolve("openmoji/animals-nature/animal-mammal"));

        // Loading through the path (FEWGEN_DATA may differ in this JVM) with a limit: 3 SVGs at 32x32.
        ImageSet set = ImageSources.load(spec.path().toString(), 32, Transform.CENTER_CROP,
                new ImageSources.LoadConfig(null, 3, null));
        assertThat(set.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            // Corners are white: OpenMoji's construction grid (a grey frame) is not drawn.
            assertThat(TestImages.rgb(set, i, 0, 0)).containsExactly(255, 255, 255);
            assertThat(TestImages.rgb(set, i, 31, 31)).containsExactly(255, 255, 255);
            int dark = 0;
            for (int p = 0; p < 32 * 32; p++) {
                if (set.grayscale(i)[p] < 0.3f) {
                    dark++;
                }
            }
            assertThat(dark).as("outline pixels of image %d", i).isGreaterThan(20);
        }
    }

    @Test
    void decodingReportsEachImageOnceThroughTheOneProgressType() {
        Path data = TestEnv.data();
        List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicLong advanced = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        org.fewgen.util.Progress.Factory counting = (task, total) -> {
            opened.add(task + " " + total);
            return new org.fewgen.util.Progress() {
                @Override
                public void advance(long n) {
                    advanced.addAndGet(n);
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        };
        // files decoded in parallel, and IDX images
        ImageSources.load(data.resolve("openmoji/animals-nature/animal-mammal").toString(), 32, Transform.CENTER_CROP,
                new ImageSources.LoadConfig(null, 5, counting));
        ImageSources.load(ImageSources.resolve("mnist:7", data.toString()).path().toString(), 28,
                Transform.CENTER_CROP, new ImageSources.LoadConfig(null, 7, counting));
        assertThat(opened).hasSize(2);
        assertThat(opened.get(0)).startsWith("decoding ").endsWith(" 5");
        assertThat(opened.get(1)).startsWith("decoding ").endsWith(" 7");
        assertThat(advanced.get()).isEqualTo(12);
        assertThat(closed.get()).isEqualTo(2);
    }

    @Test
    void mnistByNameReadsTheFirstImages() {
        Path data = TestEnv.data();
        ImageSources.SourceSpec spec = ImageSources.resolve("mnist:4", data.toString());
        assertThat(spec.kind()).isEqualTo(ImageSources.Kind.IDX);
        assertThat(spec.limit()).isEqualTo(4);
        ImageSet set = ImageSources.load(spec.path().toString(), 28, Transform.CENTER_CROP,
                new ImageSources.LoadConfig(null, 4, null));
        assertThat(set.size()).isEqualTo(4);
        // MNIST: white strokes on black; corners are black, the centre has ink.
        assertThat(TestImages.rgb(set, 0, 0, 0)).containsExactly(0, 0, 0);
        float ink = 0;
        for (float v : set.grayscale(0)) {
            ink += v;
        }
        assertThat(ink).isBetween(50f, 300f);
    }

    private static byte[] idx(int n, int h, int w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x0803);
        d.writeInt(n);
        d.writeInt(h);
        d.writeInt(w);
        for (int i = 0; i < n * h * w; i++) {
            d.writeByte((i * 7) & 0xff);
        }
        return b.toByteArray();
    }

    @Test
    void rawAndGzipIdxFiles(@TempDir Path dir) throws IOException {
        byte[] raw = idx(3, 4, 4);
        Path rawFile = Files.write(dir.resolve("imgs-idx3-ubyte"), raw);
        Path gz = dir.resolve("imgs-idx3-ubyte.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(raw);
        }
        for (Path f : List.of(rawFile, gz)) {
            ImageSet set = load(f, 4, Transform.CENTER_CROP);
            assertThat(set.size()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                for (int p = 0; p < 16; p++) {
                    int expected = ((i * 16 + p) * 7) & 0xff;
                    assertThat(TestImages.rgb(set, i, p / 4, p % 4)).containsExactly(expected, expected, expected);
                }
            }
        }
        assertThat(load(gz, 8, Transform.CENTER_CROP).resolution()).isEqualTo(8);

        Path truncated = Files.write(dir.resolve("short-idx3-ubyte"), java.util.Arrays.copyOf(raw, raw.length - 5));
        assertThatThrownBy(() -> load(truncated, 4, Transform.CENTER_CROP)).isInstanceOf(DataException.class)
                .hasMessageContaining("short-idx3-ubyte").hasMessageContaining("truncated");
    }

    @Test
    void zipOfImagesIgnoresFoldersAndOtherFiles(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("set.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("imgs/"));
            z.putNextEntry(new ZipEntry("imgs/b.png"));
            z.write(TestImages.encode(TestImages.solid(6, 6, Color.BLUE), "png"));
            z.putNextEntry(new ZipEntry("imgs/a.bmp"));
            z.write(TestImages.encode(TestImages.solid(6, 6, Color.RED), "bmp"));
            z.putNextEntry(new ZipEntry("imgs/c.svg"));
            z.write(TestImages.svg(6, 6, "#00ff00").getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("__MACOSX/imgs/._a.bmp"));
            z.write(new byte[] {1, 2, 3});
            z.putNextEntry(new ZipEntry("README.md"));
            z.write("hi".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        ImageSet set = load(zip, 6, Transform.CENTER_CROP);
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.skipped()).isEmpty();
        assertThat(TestImages.rgb(set, 0, 3, 3)).containsExactly(255, 0, 0);
        assertThat(TestImages.rgb(set, 1, 3, 3)).containsExactly(0, 0, 255);
        assertThat(TestImages.rgb(set, 2, 3, 3)).containsExactly(0, 255, 0);
    }

    @Test
    void secondLoadComesFromTheCacheAndADamagedCacheIsRebuilt(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("src");
        for (int i = 0; i < 4; i++) {
            TestImages.write(TestImages.solid(12, 10, new Color(i * 60, 20, 200 - i * 40)), "png",
                    src.resolve("img" + i + ".png"));
        }
        Files.writeString(src.resolve("broken.png"), "nope");
        Path cache = dir.resolve("cache");

        long before = ImageSources.DECODED_FILES.get();
        ImageSet first = ImageSources.load(src.toString(), 8, Transform.PAD, cache, null);
        assertThat(ImageSources.DECODED_FILES.get() - before).isEqualTo(4);
        List<Path> files;
        try (Stream<Path> s = Files.list(cache)) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).endsWith(".safetensors");

        before = ImageSources.DECODED_FILES.get();
        ImageSet second = ImageSources.load(src.toString(), 8, Transform.PAD, cache, null);
        assertThat(ImageSources.DECODED_FILES.get() - before).as("files decoded on a cache hit").isZero();
        assertThat(second.pixels()).isEqualTo(first.pixels());
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(second.skipped()).isEqualTo(first.skipped()).hasSize(1);
        assertThat(second.source()).isEqualTo(src.toString());

        // Another resolution or transform is another cache entry.
        ImageSources.load(src.toString(), 8, Transform.CENTER_CROP, cache, null);
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.count()).isEqualTo(2);
        }

        // Flip one pixel byte inside the cache file: detected, ignored, rebuilt.
        Path cacheFile = files.get(0);
        byte[] bytes = Files.readAllBytes(cacheFile);
        bytes[bytes.length - 10] ^= 0x55;
        Files.write(cacheFile, bytes);
        before = ImageSources.DECODED_FILES.get();
        ImageSet rebuilt = ImageSources.load(src.toString(), 8, Transform.PAD, cache, null);
        assertThat(ImageSources.DECODED_FILES.get() - before).isEqualTo(4);
        assertThat(rebuilt.pixels()).isEqualTo(first.pixels());
        assertThat(Files.readAllBytes(cacheFile)).isNotEqualTo(bytes);

        // A truncated cache file too.
        Files.write(cacheFile, java.util.Arrays.copyOf(bytes, 20));
        assertThat(ImageSources.load(src.toString(), 8, Transform.PAD, cache, null).pixels())
                .isEqualTo(first.pixels());

        // A changed source file (new mtime) invalidates the entry.
        Files.setLastModifiedTime(src.resolve("img0.png"), FileTime.fromMillis(1_000_000L));
        before = ImageSources.DECODED_FILES.get();
        ImageSources.load(src.toString(), 8, Transform.PAD, cache, null);
        assertThat(ImageSources.DECODED_FILES.get() - before).isEqualTo(4);
    }

    @Test
    void cacheFileCanBeLoadedDirectly(@TempDir Path dir) throws IOException {
        ImageSet shapes = ImageSources.load("builtin:shapes:5", 16, Transform.CENTER_CROP, null, null);
        Path file = dir.resolve("shapes.safetensors");
        DatasetCache.write(file, shapes, "k", Transform.CENTER_CROP);
        ImageSet back = ImageSources.load(file.toString(), 16, Transform.CENTER_CROP, null, null);
        assertThat(back.pixels()).isEqualTo(shapes.pixels());
        assertThat(back.source()).isEqualTo(file.toString());
        assertThatThrownBy(() -> ImageSources.load(file.toString(), 32, Transform.CENTER_CROP, null, null))
                .hasMessageContaining("prepared at 16x16");
    }

    @Test
    void imageSetAccessors() {
        ImageSet set = ImageSources.load("builtin:shapes:6", 16, Transform.CENTER_CROP, null, null);
        assertThat(set.size()).isEqualTo(6);
        BufferedImage img = set.image(2);
        assertThat(img.getWidth()).isEqualTo(16);
        int rgb = img.getRGB(5, 7);
        assertThat(TestImages.rgb(set, 2, 7, 5)).containsExactly((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
        ImageSet sub = set.subset(2, 5);
        assertThat(sub.size()).isEqualTo(3);
        assertThat(sub.pixel(0, 1, 3, 4)).isEqualTo(set.pixel(2, 1, 3, 4));
        assertThat(sub.fingerprint()).isNotEqualTo(set.fingerprint()).hasSize(64);
        assertThat(ImageSet.of("x", 16, set.pixels(), List.of()).fingerprint()).isEqualTo(set.fingerprint());
        ImageSet mirrored = set.withMirrors();
        assertThat(mirrored.size()).isEqualTo(12);
        assertThat(mirrored.pixel(6 + 1, 2, 3, 0)).isEqualTo(set.pixel(1, 2, 3, 15));
        assertThatThrownBy(() -> set.image(6)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
