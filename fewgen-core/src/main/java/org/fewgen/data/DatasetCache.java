package org.fewgen.data;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import org.fewgen.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The on-disk form of a prepared {@link ImageSet}: a safetensors file with one U8 tensor
 * {@code pixels} of shape (N, 3, R, R) and string metadata (format, source, resolution,
 * transform, cache key, sha256 fingerprint, CRC32C of the pixels, skipped files as a JSON list). Being plain
 * safetensors, it opens in any safetensors reader; fewgen checks the CRC on read, so a
 * torn or bit-flipped file is detected instead of training on garbage.
 *
 * <p>Written by hand rather than through {@code io.SafeTensors} so that loading data never has
 * to start the DJL engine.
 */
final class DatasetCache {

    static final String FORMAT = "fewgen-imageset-1";
    private static final Gson GSON = new Gson();
    private static final long MAX_HEADER = 64L << 20;

    private DatasetCache() {
    }

    /** {@code $FEWGEN_CACHE/datasets} if FEWGEN_CACHE is set, else {@code ~/.cache/fewgen/datasets}. */
    static Path defaultDir() {
        String env = System.getenv("FEWGEN_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env, "datasets");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "fewgen", "datasets");
    }

    static void write(Path file, ImageSet set, String key, Transform transform) throws IOException {
        Map<String, String> meta = new TreeMap<>();
        meta.put("format", FORMAT);
        meta.put("source", set.source());
        meta.put("resolution", Integer.toString(set.resolution()));
        meta.put("count", Integer.toString(set.size()));
        meta.put("transform", transform == null ? "" : transform.cliName());
        meta.put("key", key == null ? "" : key);
        meta.put("fingerprint", set.fingerprint());
        meta.put("crc32c", Long.toHexString(crc32c(set.pixels())));
        JsonArray skipped = new JsonArray();
        set.skipped().forEach(skipped::add);
        meta.put("skipped", GSON.toJson(skipped));

        JsonObject header = new JsonObject();
        JsonObject metaJson = new JsonObject();
        meta.forEach(metaJson::addProperty);
        header.add("__metadata__", metaJson);
        JsonObject tensor = new JsonObject();
        tensor.addProperty("dtype", "U8");
        JsonArray shape = new JsonArray();
        shape.add(set.size());
        shape.add(3);
        shape.add(set.resolution());
        shape.add(set.resolution());
        tensor.add("shape", shape);
        JsonArray offsets = new JsonArray();
        offsets.add(0);
        offsets.add(set.pixels().length);
        tensor.add("data_offsets", offsets);
        header.add("pixels", tensor);

        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = json.length + (8 - json.length % 8) % 8;
        byte[] head = new byte[padded];
        java.util.Arrays.fill(head, (byte) ' ');
        System.arraycopy(json, 0, head, 0, json.length);
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(head);
            out.write(set.pixels());
        });
    }

    static long crc32c(byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data, 0, data.length);
        return crc.getValue();
    }

    /** The metadata of a fewgen dataset file, or null when the file is not one. */
    static Map<String, String> metadata(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readHeader(in, file, Files.size(file)).meta;
        } catch (IOException e) {
            return null;
        }
    }

    private record Header(Map<String, String> meta, int count, int resolution, long dataBytes, long headerBytes) {
    }

    private static Header readHeader(InputStream in, Path file, long fileSize) throws IOException {
        byte[] lenBytes = in.readNBytes(8);
        if (lenBytes.length < 8) {
            throw new IOException("shorter than a safetensors header");
        }
        long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > fileSize) {
            throw new IOException("not a safetensors file (header length " + headerLen + ")");
        }
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length < headerLen) {
            throw new IOException("truncated header");
        }
        JsonObject header;
        try {
            header = GSON.fromJson(new String(hb, StandardCharsets.UTF_8), JsonObject.class);
        } catch (JsonParseException e) {
            throw new IOException("corrupt header (" + e.getMessage() + ")");
        }
        if (header == null || !header.has("__metadata__") || !header.has("pixels")) {
            throw new IOException("not a fewgen dataset file (no pixels tensor or metadata)");
        }
        Map<String, String> meta = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : header.getAsJsonObject("__metadata__").entrySet()) {
            meta.put(e.getKey(), e.getValue().getAsString());
        }
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException("not a fewgen dataset file (format " + meta.get("format") + ")");
        }
        try {
            JsonObject t = header.getAsJsonObject("pixels");
            JsonArray shape = t.getAsJsonArray("shape");
            int count = shape.get(0).getAsInt();
            int res = shape.get(2).getAsInt();
            JsonArray off = t.getAsJsonArray("data_offsets");
            long begin = off.get(0).getAsLong();
            long end = off.get(1).getAsLong();
            long expected = (long) count * 3 * res * res;
            if (!"U8".equals(t.get("dtype").getAsString()) || shape.size() != 4 || shape.get(1).getAsInt() != 3
                    || shape.get(3).getAsInt() != res || begin != 0 || end != expected || expected > Integer.MAX_VALUE) {
                throw new IOException("unexpected pixels tensor " + t);
            }
            if (8 + headerLen + expected != fileSize) {
                throw new IOException("truncated or padded data (" + (fileSize - 8 - headerLen) + " bytes, expected "
                        + expected + ")");
            }
            return new Header(meta, count, res, expected, headerLen);
        } catch (RuntimeException e) {
            throw new IOException("corrupt header (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads a dataset file, checking its fingerprint.
     *
     * @param expectedKey when non-null, the cache key the file must carry
     * @param label the source name given to the returned set; null keeps the stored one
     * @throws IOException naming what is wrong (without the file name)
     */
    static ImageSet read(Path file, String expectedKey, String label) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            Header h = readHeader(in, file, size);
            if (expectedKey != null && !expectedKey.equals(h.meta.get("key"))) {
                throw new IOException("cache key does not match");
            }
            byte[] pixels = in.readNBytes((int) h.dataBytes);
            if (pixels.length != h.dataBytes) {
                throw new IOException("truncated data");
            }
            // CRC32C (hardware-accelerated) detects damage; the stored sha256 fingerprint is then trusted.
            String crc = h.meta.get("crc32c");
            if (crc == null || !crc.equals(Long.toHexString(crc32c(pixels)))) {
                throw new IOException("pixel checksum does not match (file damaged)");
            }
            String fp = h.meta.get("fingerprint");
            if (fp == null || fp.length() != 64) {
                throw new IOException("no fingerprint in the metadata");
            }
            List<String> skipped = new ArrayList<>();
            String sk = h.meta.get("skipped");
            if (sk != null && !sk.isEmpty()) {
                try {
                    for (JsonElement e : GSON.fromJson(sk, JsonArray.class)) {
                        skipped.add(e.getAsString());
                    }
                } catch (RuntimeException e) {
                    throw new IOException("corrupt skipped list");
                }
            }
            return new ImageSet(label != null ? label : h.meta.getOrDefault("source", file.toString()),
                    h.resolution, pixels, skipped, fp);
        }
    }
}
