package org.fewgen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Needs the nsfwjs 4.4.0 tarball in the cache, or the npm registry once to fill it. */
class WeightsImportCommandTest {

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void importsBothFilesAsPublished(@TempDir Path dir) {
        Path out = dir.resolve("weights");
        CommandRun r = run("weights", "import", "nsfwjs", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("mobilenetv2_100.nsfwjs.safetensors: 10.5 MB, sha256 803e8e0a97e6")
                .contains("inception_v3.nsfwjs.safetensors: 89.6 MB, sha256 c9b1f4e78cd3")
                .doesNotContain("differs");
        assertThat(Files.isRegularFile(out.resolve("inception_v3.nsfwjs.safetensors"))).isTrue();
    }

    @Test
    void refusesAVersionWithoutAKnownChecksumNamingTheOption(@TempDir Path dir) {
        CommandRun r = run("weights", "import", "nsfwjs", "--version", "4.3.0", "--out", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("fewgen: error: --version 4.3.0: no known checksum for nsfwjs@4.3.0;"
                + " fewgen imports nsfwjs 4.4.0 only");
        CommandRun other = run("weights", "import", "timm", "--out", dir.toString());
        assertThat(other.err()).contains("PACKAGE timm: fewgen imports weights from nsfwjs only");
        CommandRun help = run("weights", "import", "--help");
        assertThat(help.code()).isEqualTo(0);
        assertThat(help.out()).contains("--version=VERSION").contains("4.4.0");
    }
}
