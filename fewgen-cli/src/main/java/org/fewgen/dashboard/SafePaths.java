package org.fewgen.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a relative path from a request into a file or folder inside the served root, or refuses
 * it. Refused: absolute paths, empty, {@code .} and {@code ..} segments, backslashes, NUL, names
 * starting with a dot (hidden files), and anything whose real path (symbolic links followed) is
 * not inside the root's real path.
 */
public final class SafePaths {

    private final Path root;
    private final Path realRoot;

    public SafePaths(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = this.root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * @param relative a path with {@code /} separators relative to the root; {@code ""} or {@code "."} is the root
     * @return the real path inside the root, or empty when refused or missing
     */
    public Optional<Path> resolve(String relative) {
        if (relative == null) {
            return Optional.empty();
        }
        if (relative.isEmpty() || relative.equals(".")) {
            return Optional.of(realRoot);
        }
        if (relative.startsWith("/") || relative.indexOf('\\') >= 0 || relative.indexOf('\0') >= 0
                || relative.matches("^[A-Za-z]:.*")) {
            return Optional.empty();
        }
        for (String seg : relative.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.startsWith(".")) {
                return Optional.empty();
            }
        }
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            Path real = p.toRealPath();
            return real.startsWith(realRoot) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A regular file inside the root. */
    public Optional<Path> file(String relative) {
        return resolve(relative).filter(Files::isRegularFile);
    }

    /** A folder inside the root. */
    public Optional<Path> folder(String relative) {
        return resolve(relative).filter(Files::isDirectory);
    }

    /** The id of a path inside the root: its relative path with {@code /}, {@code "."} for the root. */
    public String idOf(Path realPath) {
        Path rel = realRoot.relativize(realPath);
        String s = rel.toString().replace('\\', '/');
        return s.isEmpty() ? "." : s;
    }
}
