package org.fewgen.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header
 * of {@code name -> {dtype, shape, data_offsets}} plus an optional {@code __metadata__} map of
 * strings, then the raw little-endian data). DJL's own reader drops {@code __metadata__}, where
 * fewgen keeps provenance, so this small reader and writer are fewgen's own.
 *
 * <p>Errors name the file and what is wrong with it in one line.
 */
public final class SafeTensors {

    /** Tensors by name in file order, and the string metadata of the file. */
    public record Content(Map<String, NDArray> tensors, Map<String, String> metadata) {
    }

    private static final Gson GSON = new Gson();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** Writes tensors (copied to the host) and metadata atomically to {@code file}. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            byte[] bytes = toLittleEndianBytes(a);
            JsonObject t = new JsonObject();
            t.addProperty("dtype", dtypeName(a.getDataType(), e.getKey()));
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            com.google.gson.JsonArray offs = new com.google.gson.JsonArray();
            offs.add(offset);
            offs.add(offset + bytes.length);
            t.add("data_offsets", offs);
            header.add(e.getKey(), t);
            blobs.add(bytes);
            offset += bytes.length;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            for (byte[] b : blobs) {
                out.write(b);
            }
        });
    }

    private static byte[] toLittleEndianBytes(NDArray a) {
        ByteBuffer bb = a.toByteBuffer();
        bb.order(ByteOrder.nativeOrder());
        byte[] bytes = new byte[bb.remaining()];
        bb.get(bytes);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
        return bytes;
    }

    /** Reads the whole file into arrays of {@code manager}. */
    public static Content read(Path file, NDManager manager) throws IOException {
        return read(file, manager, name -> true);
    }

    /**
     * Reads only the tensors whose names {@code wanted} accepts (the rest of the file is not
     * loaded), with the whole metadata.
     */
    public static Content read(Path file, NDManager manager, java.util.function.Predicate<String> wanted)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such weights file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new IOException(file + ": not a safetensors file (only " + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLen
                        + " does not fit a file of " + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonObject header;
            try {
                header = GSON.fromJson(new String(hb.array(), StandardCharsets.UTF_8), JsonObject.class);
            } catch (RuntimeException e) {
                throw new IOException(file + ": corrupt safetensors header (" + e.getMessage() + ")");
            }
            if (header == null) {
                throw new IOException(file + ": empty safetensors header");
            }
            long dataStart = 8 + headerLen;
            checkNoOverlap(file, header);
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        meta.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString()
                                : m.getValue().toString());
                    }
                    continue;
                }
                if (!wanted.test(e.getKey())) {
                    continue;
                }
                DataType dt;
                long[] shape;
                long count = 1;
                long begin;
                long end;
                try {
                    JsonObject t = e.getValue().getAsJsonObject();
                    dt = dataType(t.get("dtype").getAsString(), file, e.getKey());
                    var shapeJson = t.getAsJsonArray("shape");
                    shape = new long[shapeJson.size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = shapeJson.get(i).getAsLong();
                        if (shape[i] < 0) {
                            throw new IllegalArgumentException("negative dimension " + shape[i]);
                        }
                        count = Math.multiplyExact(count, shape[i]);
                    }
                    var offs = t.getAsJsonArray("data_offsets");
                    begin = offs.get(0).getAsLong();
                    end = offs.get(1).getAsLong();
                } catch (RuntimeException ex) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' has a malformed header entry ("
                            + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()) + ")");
                }
                if (end - begin != count * dt.getNumOfBytes() || dataStart + end > size || begin < 0) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' is truncated or inconsistent"
                            + " (offsets " + begin + ".." + end + ", file has " + (size - dataStart) + " data bytes)");
                }
                ByteBuffer data = ByteBuffer.allocateDirect((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin);
                data.flip();
                requireFinite(file, e.getKey(), data, dt);
                NDArray arr = manager.create(data, new Shape(shape), dt);
                arr.setName(e.getKey());
                tensors.put(e.getKey(), arr);
            }
            return new Content(tensors, meta);
        }
    }

    /**
     * Two tensors sharing bytes is never written by a correct writer; reading such a file would
     * silently give two names the same values.
     */
    private static void checkNoOverlap(Path file, JsonObject header) throws IOException {
        record Range(String name, long begin, long end) {
        }
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            try {
                var offs = e.getValue().getAsJsonObject().getAsJsonArray("data_offsets");
                ranges.add(new Range(e.getKey(), offs.get(0).getAsLong(), offs.get(1).getAsLong()));
            } catch (RuntimeException ex) {
                throw new IOException(file + ": tensor '" + e.getKey() + "' has no valid data_offsets in the header");
            }
        }
        ranges.sort(java.util.Comparator.comparingLong(Range::begin));
        for (int i = 1; i < ranges.size(); i++) {
            Range a = ranges.get(i - 1);
            Range b = ranges.get(i);
            if (b.begin() < a.end() && b.end() > b.begin()) {
                throw new IOException(file + ": tensors '" + a.name() + "' and '" + b.name() + "' overlap (bytes "
                        + a.begin() + ".." + a.end() + " and " + b.begin() + ".." + b.end() + ")");
            }
        }
    }

    /**
     * Weights with NaN or infinite values load without complaint and only show up steps later as a
     * non-finite loss far from their cause, so they are refused here, naming the tensor and file.
     */
    private static void requireFinite(Path file, String tensor, ByteBuffer data, DataType dt) throws IOException {
        long bad = 0;
        int n;
        switch (dt) {
            case FLOAT32 -> {
                n = data.remaining() / 4;
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(data.getFloat(i * 4))) {
                        bad++;
                    }
                }
            }
            case FLOAT64 -> {
                n = data.remaining() / 8;
                for (int i = 0; i < n; i++) {
                    if (!Double.isFinite(data.getDouble(i * 8))) {
                        bad++;
                    }
                }
            }
            case FLOAT16 -> {
                n = data.remaining() / 2;
                for (int i = 0; i < n; i++) {
                    if ((data.getShort(i * 2) & 0x7C00) == 0x7C00) {
                        bad++;
                    }
                }
            }
            case BFLOAT16 -> {
                n = data.remaining() / 2;
                for (int i = 0; i < n; i++) {
                    if ((data.getShort(i * 2) & 0x7F80) == 0x7F80) {
                        bad++;
                    }
                }
            }
            default -> {
                return;
            }
        }
        if (bad > 0) {
            throw new IOException(file + ": tensor '" + tensor + "' holds " + bad + " non-finite value"
                    + (bad == 1 ? "" : "s") + " (NaN or infinity) of " + n + "; the file is damaged or was saved"
                    + " from a diverged run");
        }
    }

    /** Reads only the JSON header's metadata map, without loading any tensor. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            if (lenBytes.length < 8) {
                throw new IOException(file + ": not a safetensors file");
            }
            long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLen + ")");
            }
            byte[] hb = in.readNBytes((int) headerLen);
            if (hb.length < headerLen) {
                throw new IOException(file + ": truncated safetensors header");
            }
            JsonObject header = GSON.fromJson(new String(hb, StandardCharsets.UTF_8), JsonObject.class);
            Map<String, String> meta = new LinkedHashMap<>();
            if (header != null && header.has("__metadata__")) {
                header.getAsJsonObject("__metadata__").entrySet()
                        .forEach(m -> meta.put(m.getKey(), m.getValue().getAsString()));
            }
            return meta;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static DataType dataType(String name, Path file, String tensor) throws IOException {
        return switch (name) {
            case "F32" -> DataType.FLOAT32;
            case "F64" -> DataType.FLOAT64;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOLEAN;
            default -> throw new IOException(file + ": tensor '" + tensor + "' has unsupported dtype " + name);
        };
    }

    private static String dtypeName(DataType dt, String tensor) {
        return switch (dt) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOLEAN -> "BOOL";
            default -> throw new IllegalArgumentException("tensor '" + tensor + "': cannot store dtype " + dt);
        };
    }
}
