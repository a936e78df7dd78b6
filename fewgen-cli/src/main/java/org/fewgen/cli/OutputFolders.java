package org.fewgen.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an output folder option before anything is written, so the error says why instead of naming a path. */
final class OutputFolders {

    private OutputFolders() {
    }

    /**
     * @throws IllegalArgumentException when {@code dir} or one of its parents exists as something other than a folder
     */
    static void require(String option, Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IllegalArgumentException(option + " " + dir + ": " + (p.equals(dir.toAbsolutePath().normalize())
                        ? "is a file, not a folder" : p + " is a file, not a folder"));
            }
            if (Files.isDirectory(p)) {
                if (!Files.isWritable(p)) {
                    throw new IllegalArgumentException(option + " " + dir + ": " + p + " is not writable");
                }
                return;
            }
        }
    }
}
