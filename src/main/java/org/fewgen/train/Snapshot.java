package org.fewgen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.fewgen.io.SafeTensors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One training snapshot = ONE safetensors file {@code snapshot-<kimg>.safetensors}: the tensors of
 * G ({@code G.}), the EMA generator ({@code G_ema.}), D ({@code D.}) and both optimizers' moments
 * ({@code opt_G.v.…}, {@code opt_D.v.…}; the first moments {@code opt_G.m.…}, {@code opt_D.m.…} only
 * when beta1 is not 0, see {@link org.fewgen.optim.Adam}), plus string metadata (format, resolved config, config
 * hash, step and image counters, optimizer steps, tensor count). The file is written to a
 * temporary name and renamed, so a kill mid-write leaves the previous snapshot intact; a file that
 * is nevertheless incomplete (copied half, disk trouble) is detected by {@link #validate}.
 */
public final class Snapshot {

    public static final String FORMAT = "fewgen-gan-snapshot/1";
    public static final String PREFIX_G = "G.";
    public static final String PREFIX_G_EMA = "G_ema.";
    public static final String PREFIX_D = "D.";
    public static final String PREFIX_OPT_G = "opt_G.";
    public static final String PREFIX_OPT_D = "opt_D.";

    // metadata keys
    public static final String META_FORMAT = "format";
    public static final String META_CONFIG = "config";
    public static final String META_CONFIG_HASH = "config_hash";
    public static final String META_STEP = "step";
    public static final String META_NIMG = "nimg";
    public static final String META_OPT_G_STEP = "opt_G_step";
    public static final String META_OPT_D_STEP = "opt_D_step";
    public static final String META_RECOVERIES = "recoveries";
    public static final String META_TENSORS = "tensor_count";

    private static final Gson GSON = new Gson();

    private Snapshot() {
    }

    /** Writes tensors and metadata atomically; adds the format and tensor count to the metadata. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(META_FORMAT, FORMAT);
        meta.put(META_TENSORS, Integer.toString(tensors.size()));
        SafeTensors.write(file, tensors, meta);
    }

    /** The tensors under {@code prefix}, with the prefix removed. */
    public static Map<String, NDArray> strip(Map<String, NDArray> tensors, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Adds {@code source} to {@code target} with {@code prefix} before every name. */
    public static void putAll(Map<String, NDArray> target, String prefix, Map<String, NDArray> source) {
        source.forEach((k, v) -> target.put(prefix + k, v));
    }

    /**
     * Checks that a snapshot file is complete without loading its tensors: readable header, this
     * format, every tensor's bytes inside the file, and as many tensors as the metadata promises.
     *
     * @return the metadata of a complete snapshot
     * @throws IOException saying what is wrong
     */
    public static Map<String, String> validate(Path file) throws IOException {
        long size = Files.size(file);
        JsonObject header;
        long headerLen;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] len = in.readNBytes(8);
            if (len.length < 8) {
                throw new IOException(file.getFileName() + ": truncated (" + size + " bytes, no header)");
            }
            headerLen = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLen <= 0 || headerLen > (100L << 20) || 8 + headerLen > size) {
                throw new IOException(file.getFileName() + ": truncated or not a snapshot (header length "
                        + headerLen + ", file " + size + " bytes)");
            }
            byte[] hb = in.readNBytes((int) headerLen);
            try {
                header = GSON.fromJson(new String(hb, StandardCharsets.UTF_8), JsonObject.class);
            } catch (RuntimeException e) {
                throw new IOException(file.getFileName() + ": unreadable header (" + e.getMessage() + ")");
            }
        }
        if (header == null || !header.has("__metadata__")) {
            throw new IOException(file.getFileName() + ": no snapshot metadata");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.getAsJsonObject("__metadata__").entrySet()) {
            meta.put(e.getKey(), e.getValue().getAsString());
        }
        if (!FORMAT.equals(meta.get(META_FORMAT))) {
            throw new IOException(file.getFileName() + ": not a fewgen GAN snapshot (format " + meta.get(META_FORMAT) + ")");
        }
        long dataBytes = size - 8 - headerLen;
        int count = 0;
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            count++;
            long end = e.getValue().getAsJsonObject().getAsJsonArray("data_offsets").get(1).getAsLong();
            if (end > dataBytes) {
                throw new IOException(file.getFileName() + ": truncated (tensor '" + e.getKey() + "' ends at byte "
                        + end + " of " + dataBytes + " data bytes)");
            }
        }
        String promised = meta.get(META_TENSORS);
        if (promised == null || Integer.parseInt(promised) != count) {
            throw new IOException(file.getFileName() + ": incomplete (" + count + " tensors, metadata promises "
                    + promised + ")");
        }
        return meta;
    }

    /**
     * Reads only the tensors whose names start with {@code prefix} (e.g. the EMA generator for
     * sampling), without loading the rest of the snapshot.
     *
     * @return tensors by name with the prefix removed
     */
    public static Map<String, NDArray> readTensors(Path file, String prefix, NDManager manager) throws IOException {
        validate(file);
        Map<String, NDArray> tensors = SafeTensors.read(file, manager, name -> name.startsWith(prefix)).tensors();
        if (tensors.isEmpty()) {
            throw new IOException(file.getFileName() + ": no tensors named " + prefix + "*");
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey().substring(prefix.length());
            e.getValue().setName(name);
            out.put(name, e.getValue());
        }
        return out;
    }

    /** All {@code snapshot-*.safetensors} in a folder (unvalidated). */
    public static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("snapshot-") && n.endsWith(".safetensors");
            }).forEach(out::add);
        }
        return out;
    }

    /**
     * The newest complete snapshot of a run folder, by the image count in its metadata. Files that
     * fail {@link #validate} are skipped, each with one message to {@code messages}.
     */
    public static Optional<Path> latestComplete(Path dir, Consumer<String> messages) throws IOException {
        record Candidate(Path file, long nimg) {
        }
        List<Candidate> ok = new ArrayList<>();
        for (Path p : list(dir)) {
            try {
                Map<String, String> meta = validate(p);
                ok.add(new Candidate(p, Long.parseLong(meta.get(META_NIMG))));
            } catch (IOException | RuntimeException e) {
                String why = e instanceof IOException ? e.getMessage() : p.getFileName() + ": " + e;
                messages.accept("skipping incomplete snapshot " + why);
            }
        }
        return ok.stream().max(Comparator.comparingLong(Candidate::nimg)).map(Candidate::file);
    }
}
