package org.fewgen.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code metrics.jsonl}: one JSON object per line, appended. Each line goes out in one write
 * call, so a killed run leaves at most one torn last line; opening the file again cuts such a
 * line off, so the file stays valid JSON Lines across resumes.
 */
public final class MetricsLog implements AutoCloseable {

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final Path file;
    private final FileChannel channel;
    private final java.util.function.Consumer<JsonObject> tap;

    public MetricsLog(Path file) throws IOException {
        this(file, null);
    }

    /** @param tap also receives every record written (a library caller's metrics callback), or null */
    public MetricsLog(Path file, java.util.function.Consumer<JsonObject> tap) throws IOException {
        this.file = file;
        this.tap = tap;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        cutTornLine();
        channel.position(channel.size());
    }

    private void cutTornLine() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        long pos = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            channel.read(one, pos - 1);
            if (one.get(0) == '\n') {
                break;
            }
            pos--;
        }
        if (pos < size) {
            channel.truncate(pos);
        }
    }

    public Path file() {
        return file;
    }

    /** Appends one record. */
    public synchronized void write(JsonObject record) {
        byte[] line = (GSON.toJson(record) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot append metrics: " + e.getMessage(), e);
        }
        if (tap != null) {
            tap.accept(record.deepCopy());
        }
    }

    /** Appends an event record {@code {"event": name, ...fields}}. */
    public void event(String name, JsonObject fields) {
        JsonObject o = new JsonObject();
        o.addProperty("event", name);
        if (fields != null) {
            fields.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        }
        write(o);
    }

    @Override
    public void close() throws IOException {
        channel.force(false);
        channel.close();
    }

    /** Reads every record back (tests, tools). */
    public static java.util.List<JsonObject> read(Path file) throws IOException {
        java.util.List<JsonObject> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(GSON.fromJson(line, JsonObject.class));
            }
        }
        return out;
    }
}
