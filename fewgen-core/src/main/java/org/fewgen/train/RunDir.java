package org.fewgen.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.fewgen.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run folder {@code <root>/NNNNN-<description>/} and the names of the files in it. Numbers
 * increase with each new run under the same root, so runs sort by creation.
 */
public final class RunDir {

    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String REALS = "reals.png";
    public static final String FAKES_INIT = "fakes_init.png";
    public static final String LATEST = "latest.json";

    private static final Pattern NUMBERED = Pattern.compile("^(\\d{5,})-.*");

    private final Path dir;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    /** Wraps an existing run folder (for resume and generate). */
    public static RunDir open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a run folder (no such directory)");
        }
        return new RunDir(dir);
    }

    /**
     * Creates the next numbered folder under {@code root} ({@code 00003-uae-mnist-m25-linear});
     * safe against a concurrent run doing the same. Callers check their settings first, so that a
     * run that cannot start leaves no folder behind.
     *
     * @param description a short readable label; characters unsafe in a file name become {@code _}
     */
    public static RunDir create(Path root, String description) throws IOException {
        Files.createDirectories(root);
        String safe = description.replaceAll("[^A-Za-z0-9._-]+", "_");
        for (int attempt = 0; attempt < 100; attempt++) {
            int next = nextNumber(root);
            Path dir = root.resolve(String.format(Locale.ROOT, "%05d-%s", next, safe));
            try {
                Files.createDirectory(dir);
                return new RunDir(dir);
            } catch (FileAlreadyExistsException e) {
                // another process took this number between listing and creating: try the next one
            }
        }
        throw new IOException(root + ": could not create a new numbered run folder");
    }

    static int nextNumber(Path root) throws IOException {
        int max = -1;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NUMBERED.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        }
        return max + 1;
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /**
     * Writes {@code config} as this run's {@link #CONFIG}, pretty-printed, atomically: every kind
     * of run (GAN, UAE, benchmark) records what it was asked and its provenance block this way.
     */
    public void writeConfig(JsonObject config) throws IOException {
        AtomicFiles.writeString(resolve(CONFIG), new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n");
    }

    /**
     * A kimg label for file names: six integer digits ({@code 000012}), plus three decimals when
     * the image count is not a whole kimg ({@code 000000.016}), so short test runs do not collide.
     */
    public static String kimgLabel(long nimg) {
        if (nimg % 1000 == 0) {
            return String.format(Locale.ROOT, "%06d", nimg / 1000);
        }
        return String.format(Locale.ROOT, "%06d.%03d", nimg / 1000, nimg % 1000);
    }

    public Path fakes(long nimg) {
        return dir.resolve("fakes_" + kimgLabel(nimg) + ".png");
    }

    public Path snapshot(long nimg) {
        return dir.resolve("snapshot-" + kimgLabel(nimg) + ".safetensors");
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
