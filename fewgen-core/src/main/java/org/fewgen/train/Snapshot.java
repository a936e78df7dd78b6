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
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One training snapshot = ONE safetensors file {@code snapshot-<kimg>.safetensors}: the tensors of
 * G ({@code G.}), the EMA generator ({@code G_ema.}), D's trained heads ({@code D.}; the frozen
 * feature network and projector only as a fingerprint, see {@link #META_FROZEN_SHA256}) and both optimizers' moments
 * ({@code opt_G.v.…}, {@code opt_D.v.…}; the first moments {@code opt_G.m.…}, {@code opt_D.m.…} only
 * when beta1 is not 0, see {@link org.fewgen.optim.Adam}), plus string metadata (format, resolved config, config
 * hash, step and image counters, optimizer steps, tensor count). The file is written to a
 * temporary name and renamed, so a kill mid-write leaves the previous snapshot intact; a file that
 * is nevertheless incomplete (copied half, disk trouble) is detected by {@link #validate}.
 */
public final class Snapshot {

    public static final String FORMAT = "fewgen-gan-snapshot/1";
    /**
     * An exported generator ({@code fewgen gan export}): the EMA generator's tensors ({@code G_ema.})
     * and the run's config, nothing else; sampled like a snapshot, never resumed.
     */
    public static final String GENERATOR_FORMAT = "fewgen-gan-generator/1";
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
    /** SHA-256 of D's frozen tensors (feature network, projector), which the snapshot does not hold. */
    public static final String META_FROZEN_SHA256 = "frozen_sha256";
    /** D's state names under this prefix are frozen: rebuilt from the backbone weights and the seed. */
    public static final String FROZEN_PREFIX = "feature_network.";

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

    /** Whether a D state name belongs to the frozen feature network or projector. */
    public static boolean isFrozen(String dStateName) {
        return dStateName.startsWith(FROZEN_PREFIX);
    }

    /** D's state without the frozen tensors. */
    public static Map<String, NDArray> withoutFrozen(Map<String, NDArray> dState) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        dState.forEach((k, v) -> {
            if (!isFrozen(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** SHA-256 over the names, shapes and bytes of D's frozen tensors, in name order. */
    public static String frozenFingerprint(Map<String, NDArray> dState) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            new java.util.TreeMap<>(dState).forEach((k, v) -> {
                if (isFrozen(k)) {
                    md.update(k.getBytes(StandardCharsets.UTF_8));
                    md.update(v.getShape().toString().getBytes(StandardCharsets.UTF_8));
                    md.update(v.toByteArray());
                }
            });
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        return validate(file, Set.of(FORMAT));
    }

    /**
     * As {@link #validate(Path)}, also accepting an exported generator: for sampling.
     */
    public static Map<String, String> validateForSampling(Path file) throws IOException {
        return validate(file, Set.of(FORMAT, GENERATOR_FORMAT));
    }

    private static Map<String, String> validate(Path file, Set<String> formats) throws IOException {
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
        if (!formats.contains(meta.get(META_FORMAT))) {
            String what = formats.size() == 1 ? "a fewgen GAN snapshot" : "a fewgen GAN snapshot or exported generator";
            throw new IOException(file.getFileName() + ": not " + what + " (format " + meta.get(META_FORMAT) + ")");
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
        validateForSampling(file);
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

    /**
     * Writes the EMA generator of {@code snapshot} alone to {@code out} (atomically), with the run's
     * config, config hash and image count: what sampling needs, a fraction of the snapshot's size.
     *
     * @return the number of tensors written
     */
    public static int exportGenerator(Path snapshot, Path out) throws IOException {
        Map<String, String> meta = validate(snapshot);
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Map<String, NDArray> tensors = SafeTensors.read(snapshot, manager, n -> n.startsWith(PREFIX_G_EMA)).tensors();
            if (tensors.isEmpty()) {
                throw new IOException(snapshot.getFileName() + ": no tensors named " + PREFIX_G_EMA + "*");
            }
            Map<String, String> outMeta = new LinkedHashMap<>();
            for (String k : List.of(META_CONFIG, META_CONFIG_HASH, META_STEP, META_NIMG)) {
                if (meta.containsKey(k)) {
                    outMeta.put(k, meta.get(k));
                }
            }
            outMeta.put(META_FORMAT, GENERATOR_FORMAT);
            outMeta.put(META_TENSORS, Integer.toString(tensors.size()));
            SafeTensors.write(out, tensors, outMeta);
            return tensors.size();
        }
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
