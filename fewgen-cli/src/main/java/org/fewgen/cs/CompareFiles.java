package org.fewgen.cs;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import org.fewgen.io.AtomicFiles;
import org.fewgen.train.ImageGrid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files of a {@code fewgen cs compare} folder: {@code results.csv}, {@code results.json},
 * {@code error-vs-m.png}, {@code examples-m<M>.png} (test images, then one row per method) and
 * the raw example reconstructions {@code examples/<method>-m<M>.f32} they are drawn from, which
 * are kept so that a rerun can draw the grids of results it did not recompute.
 */
final class CompareFiles {

    private final Path out;
    private final CsData data;

    CompareFiles(Path out, CsData data) {
        this.out = out;
        this.data = data;
    }

    /** Every record of an earlier {@code results.json}, in its order; none when there is no such file. */
    List<CompareResult> readResults() throws IOException {
        List<CompareResult> records = new ArrayList<>();
        Path file = out.resolve("results.json");
        if (!Files.isRegularFile(file)) {
            return records;
        }
        try {
            for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                records.add(CompareResult.fromJson(e.getAsJsonObject()));
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot read earlier results (" + e.getMessage() + "); move it away to start over");
        }
        return records;
    }

    private Path examplesFile(CompareMethod method, int m) {
        return out.resolve("examples").resolve(method.id() + "-m" + m + ".f32");
    }

    /** The example reconstructions as little-endian float32, image after image. */
    void saveExamples(CompareMethod method, int m, float[] values) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        AtomicFiles.writeBytes(examplesFile(method, m), bb.array());
    }

    /** The saved example reconstructions, or null when there are none. */
    float[] loadExamples(CompareMethod method, int m) throws IOException {
        Path f = examplesFile(method, m);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(f);
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /**
     * Rewrites results.csv, results.json, the plot and the example grids from the records so far.
     *
     * @param examples per m, per method id (in the order the rows are drawn), its example reconstructions
     */
    void write(List<CompareResult> records, Map<Integer, Map<String, float[]>> examples, String plotTitle)
            throws IOException {
        StringBuilder csv = new StringBuilder("method,measurements,l2_mean,l2_stderr,l2_mean_noisy,l2_mean_noiseless,"
                + "test_images,lambda,best_epoch,mean_row_norm\n");
        JsonArray arr = new JsonArray();
        for (CompareResult r : records) {
            csv.append(r.csvRow()).append(String.format("%n"));
            arr.add(r.toJson());
        }
        AtomicFiles.writeString(out.resolve("results.csv"), csv.toString());
        AtomicFiles.writeString(out.resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(arr) + "\n");
        CsCharts.errorVsMeasurements(out.resolve("error-vs-m.png"), records, plotTitle);
        for (Map.Entry<Integer, Map<String, float[]>> e : examples.entrySet()) {
            List<float[]> rows = new ArrayList<>();
            int k = Integer.MAX_VALUE;
            for (float[] v : e.getValue().values()) {
                k = Math.min(k, v.length / data.pixels());
            }
            rows.add(data.test());
            rows.addAll(e.getValue().values());
            ImageGrid.writePng(out.resolve("examples-m" + e.getKey() + ".png"),
                    CsCharts.labelled(ImageGrid.grayRows(rows, data.side(), k, 2), "original",
                            new ArrayList<>(e.getValue().keySet())));
        }
    }
}
