package org.fewgen.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.fewgen.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an {@link ImageSet} as a zip of R×R PNGs ({@code 00000.png}, {@code 00001.png}, ... in
 * set order) plus {@code dataset.json} describing it. PNG is lossless and the images are already
 * R×R, so {@link ImageSources#load} of the zip at R gives back the same pixels.
 */
public final class PreparedZip {

    /** The {@code format} value in {@code dataset.json}. */
    public static final String FORMAT = "fewgen-dataset-zip-1";

    private PreparedZip() {
    }

    /**
     * Writes {@code set} to {@code file} atomically.
     *
     * @param transform how the source was squared (recorded in dataset.json)
     * @param mirroredCopies how many trailing images are x-flipped copies (0 if none)
     * @return the dataset.json content written
     */
    public static JsonObject write(Path file, ImageSet set, Transform transform, int mirroredCopies)
            throws IOException {
        byte[][] pngs = new byte[set.size()][];
        try {
            IntStream.range(0, set.size()).parallel().forEach(i -> pngs[i] = png(set, i));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("source", set.source());
        json.addProperty("count", set.size());
        json.addProperty("resolution", set.resolution());
        json.addProperty("transform", transform.cliName());
        json.addProperty("mirrored_copies", mirroredCopies);
        json.addProperty("fingerprint", set.fingerprint());
        JsonArray skipped = new JsonArray();
        set.skipped().forEach(skipped::add);
        json.add("skipped", skipped);
        byte[] jsonBytes = new GsonBuilder().setPrettyPrinting().create().toJson(json)
                .getBytes(StandardCharsets.UTF_8);
        int digits = Math.max(5, Integer.toString(Math.max(0, set.size() - 1)).length());
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("dataset.json"));
            zip.write(jsonBytes);
            zip.closeEntry();
            for (int i = 0; i < pngs.length; i++) {
                zip.putNextEntry(new ZipEntry(String.format("%0" + digits + "d.png", i)));
                zip.write(pngs[i]);
                zip.closeEntry();
            }
            // finish(), not close(): AtomicFiles still flushes and syncs the underlying stream.
            zip.finish();
        });
        return json;
    }

    private static byte[] png(ImageSet set, int i) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(set.image(i), "png", b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
