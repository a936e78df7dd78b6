package org.fewgen.cs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Numbered run folders, {@code runs/00007-uae-mnist-m25-linear}, one per training run. */
public final class RunFolder {

    private static final Pattern NUMBERED = Pattern.compile("^(\\d{5})-.*");

    private RunFolder() {
    }

    /** Creates the next numbered folder under {@code root} with the given description. */
    public static synchronized Path create(Path root, String description) throws IOException {
        Files.createDirectories(root);
        int next = 0;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NUMBERED.matcher(p.getFileName().toString());
                if (m.matches()) {
                    next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
                }
            }
        }
        String safe = description.replaceAll("[^A-Za-z0-9._-]+", "_");
        while (true) {
            Path dir = root.resolve(String.format("%05d-%s", next, safe));
            try {
                Files.createDirectory(dir);
                return dir;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                next++; // another process took this number first
            }
        }
    }
}
