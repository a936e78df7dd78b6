package org.fewgen.metrics;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds, identifies and fingerprints an Inception v3 weights file (safetensors with
 * torchvision/timm names) without loading its 22M values.
 *
 * <p>The variant is read off the classifier: the FID network (the 2015-12-05 TensorFlow graph
 * that pytorch-fid, clean-fid and StyleGAN use) has 1008 classes, the torchvision/timm ImageNet
 * networks have 1000, and the nsfwjs file has a three-layer head {@code fc.0/fc.3/fc.6}.
 */
public final class InceptionWeights {

    /** Environment variable naming the weights file to use when no option is given. */
    public static final String ENV_FILE = "FEWGEN_INCEPTION_WEIGHTS";
    /** Environment variable naming a folder holding {@link #NSFWJS_FILE_NAME}. */
    public static final String ENV_FOLDER = "FEWGEN_WEIGHTS";
    /** The offline file beside fewgen's other weights. */
    public static final String NSFWJS_FILE_NAME = "inception_v3.nsfwjs.safetensors";
    /** A tensor every Inception v3 file has, used to recognise one. */
    static final String PROBE_TENSOR = "Mixed_7c.branch_pool.conv.weight";

    /** Which Inception v3 a file holds; the names match {@code backbone.InceptionV3.Variant}. */
    public enum Kind {
        /** The standard FID network (pt_inception-2015-12-05), 1008-way classifier. */
        FID,
        /** torchvision/timm ImageNet inception_v3, 1000-way classifier. */
        IMAGENET,
        /** nsfwjs 4.4.0's fine-tuned network: upper blocks differ from ImageNet, 3×3 avg pools exclude padding. */
        NSFWJS;

        /** Lower-case name as used on the command line and in cache keys. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code fid|imagenet|nsfwjs}, naming the option on error. */
        public static Kind parse(String s, String option) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + " must be fid, imagenet or nsfwjs, not '" + s + "'");
            }
        }
    }

    /** What a weights file is: path, variant, content hash, tensor shapes. */
    public record Info(Path file, Kind kind, String sha256, Map<String, long[]> shapes) {
        /** First 12 hex digits of the file's sha256, as printed beside every FID. */
        public String shortHash() {
            return sha256.substring(0, 12);
        }

        /** Whether FIDs from this file are comparable with published ones. */
        public boolean standard() {
            return kind == Kind.FID;
        }

        /** Network identity for caches. */
        public String id() {
            return "inception_v3/" + kind.label() + "/sha256:" + sha256;
        }

        /** e.g. {@code inception_v3 fid weights sha256:0123456789ab (pt_inception.safetensors)}. */
        public String describe() {
            return "inception_v3 " + kind.label() + " weights sha256:" + shortHash() + " (" + file.getFileName() + ")";
        }
    }

    private static final Gson GSON = new Gson();

    private InceptionWeights() {
    }

    /**
     * The weights file to use: {@code explicit} when given, else {@code $FEWGEN_INCEPTION_WEIGHTS},
     * else {@code $FEWGEN_WEIGHTS/inception_v3.nsfwjs.safetensors}.
     *
     * @throws IllegalArgumentException saying how to get the standard file when none exists
     */
    public static Path resolve(Path explicit) {
        return resolve(explicit, System.getenv(ENV_FILE), System.getenv(ENV_FOLDER));
    }

    static Path resolve(Path explicit, String envFile, String envFolder) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new org.fewgen.util.SettingException("inceptionWeights", explicit, "no such file");
            }
            return explicit;
        }
        if (envFile != null && !envFile.isBlank()) {
            Path p = Path.of(envFile);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(ENV_FILE + "=" + envFile + ": no such file");
            }
            return p;
        }
        if (envFolder != null && !envFolder.isBlank()) {
            Path p = Path.of(envFolder).resolve(NSFWJS_FILE_NAME);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new org.fewgen.util.SettingException("inceptionWeights", null, "no Inception v3 weights: name a file or set "
                + ENV_FILE + "; for published-comparable FIDs convert pytorch-fid's pt_inception-2015-12-05"
                + " weights to safetensors once as described in docs/metrics.md"
                + " (or set " + ENV_FOLDER + " to a folder with " + NSFWJS_FILE_NAME
                + ", which `fewgen weights import nsfwjs` writes)");
    }

    /**
     * Reads the header of {@code file}, checks it is an Inception v3, works out its variant and
     * hashes the whole file.
     *
     * @param forced a variant given by the user, or null to detect it
     * @throws IOException naming the file and what is wrong with it
     */
    public static Info inspect(Path file, Kind forced) throws IOException {
        Header h = readHeader(file);
        if (!h.shapes.containsKey(PROBE_TENSOR)) {
            throw new IOException(file + ": not an Inception v3 safetensors file with torchvision/timm names (no '"
                    + PROBE_TENSOR + "' among its " + h.shapes.size() + " tensors)");
        }
        Kind detected = detect(h);
        Kind kind = forced != null ? forced : detected;
        if (kind == null) {
            throw new IOException(file + ": cannot tell the Inception variant (no fc layer); name the variant: fid, imagenet or nsfwjs");
        }
        return new Info(file, kind, sha256(file), h.shapes);
    }

    private static Kind detect(Header h) {
        if (h.shapes.containsKey("fc.0.weight")) {
            return Kind.NSFWJS;
        }
        long[] fc = h.shapes.get("fc.weight");
        if (fc != null && fc.length == 2) {
            if (fc[0] == 1008) {
                return Kind.FID;
            }
            if (fc[0] == 1000) {
                return Kind.IMAGENET;
            }
        }
        return null;
    }

    private record Header(Map<String, long[]> shapes, Map<String, String> metadata) {
    }

    private static Header readHeader(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such weights file");
        }
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            long headerLen = lenBytes.length == 8 ? ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
            if (headerLen <= 0 || headerLen > (100L << 20) || 8 + headerLen > size) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLen
                        + " does not fit a file of " + size + " bytes)");
            }
            byte[] hb = in.readNBytes((int) headerLen);
            JsonObject header;
            try {
                header = GSON.fromJson(new String(hb, StandardCharsets.UTF_8), JsonObject.class);
            } catch (RuntimeException e) {
                throw new IOException(file + ": corrupt safetensors header (" + e.getMessage() + ")");
            }
            if (header == null) {
                throw new IOException(file + ": empty safetensors header");
            }
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            long dataBytes = size - 8 - headerLen;
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().getAsJsonObject().entrySet().forEach(m -> meta.put(m.getKey(), m.getValue().toString()));
                    continue;
                }
                try {
                    JsonObject t = e.getValue().getAsJsonObject();
                    var sj = t.getAsJsonArray("shape");
                    long[] shape = new long[sj.size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = sj.get(i).getAsLong();
                    }
                    long count = 1;
                    for (long dim : shape) {
                        count *= dim;
                    }
                    long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
                    long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
                    if ("F32".equals(t.get("dtype").getAsString()) && end - begin != 4 * count) {
                        throw new IOException(file + ": tensor '" + e.getKey() + "' has shape " + shape(shape)
                                + " but " + (end - begin) + " data bytes");
                    }
                    if (end > dataBytes) {
                        throw new IOException(file + ": truncated (tensor '" + e.getKey() + "' ends at byte " + end
                                + " of the data, the file holds " + dataBytes + ")");
                    }
                    shapes.put(e.getKey(), shape);
                } catch (IOException ex) {
                    throw ex;
                } catch (RuntimeException ex) {
                    throw new IOException(file + ": corrupt safetensors header entry '" + e.getKey() + "'");
                }
            }
            return new Header(shapes, meta);
        }
    }

    /** sha256 of a file's bytes, as 64 lower-case hex digits. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String shape(long[] s) {
        return Arrays.toString(s);
    }
}
