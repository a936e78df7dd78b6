package org.fewgen.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code fewgen} launcher's first-run build, with stand-ins for Maven and Java. */
class LauncherBuildTest {

    /**
     * Two first runs started together (two training jobs launched at once on a fresh checkout)
     * must build once and both start: before the build lock, both built into the same folders and
     * one failed.
     */
    @Test
    void twoFirstRunsAtOnceBuildOnceAndBothStart(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("fewgen"), dir.resolve("fewgen"));
        Files.createDirectories(dir.resolve("fewgen-core/src/main"));
        Files.writeString(dir.resolve("pom.xml"), "");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path builds = dir.resolve("builds.txt");
        // a build that takes a while, refuses to overlap another, and leaves the jar behind
        script(bin.resolve("mvn"), "#!/bin/sh\n"
                + "if [ -e building ]; then echo 'mvn: another build is running' >&2; exit 1; fi\n"
                + "touch building; echo build >> '" + builds + "'; sleep 1\n"
                + "mkdir -p fewgen-cli/target && touch fewgen-cli/target/fewgen.jar; rm building\n");
        script(bin.resolve("java"), "#!/bin/sh\necho started\n");
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("fewgen").toString(), "--help")
                    .redirectErrorStream(true);
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            runs.add(pb.start());
        }
        for (Process p : runs) {
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).endsWith("started");
        }
        assertThat(Files.readAllLines(builds)).as("builds").containsExactly("build");
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }
}
