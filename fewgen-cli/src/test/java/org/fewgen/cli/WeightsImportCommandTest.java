package org.fewgen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Needs the nsfwjs 4.4.0 tarball in the cache, or the npm registry once to fill it. */
class WeightsImportCommandTest {

    private static String[] run(String... args) {
        CommandLine cl = FewgenCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void importsBothFilesAsPublished(@TempDir Path dir) {
        Path out = dir.resolve("weights");
        String[] r = run("weights", "import", "nsfwjs", "--out", out.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("mobilenetv2_100.nsfwjs.safetensors: 10.5 MB, sha256 803e8e0a97e6")
                .contains("inception_v3.nsfwjs.safetensors: 89.6 MB, sha256 c9b1f4e78cd3")
                .doesNotContain("differs");
        assertThat(Files.isRegularFile(out.resolve("inception_v3.nsfwjs.safetensors"))).isTrue();
    }

    @Test
    void refusesAVersionWithoutAKnownChecksumNamingTheOption(@TempDir Path dir) {
        String[] r = run("weights", "import", "nsfwjs", "--version", "4.3.0", "--out", dir.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip()).isEqualTo("fewgen: error: --version 4.3.0: no known checksum for nsfwjs@4.3.0;"
                + " fewgen imports nsfwjs 4.4.0 only");
        String[] other = run("weights", "import", "timm", "--out", dir.toString());
        assertThat(other[2]).contains("PACKAGE timm: fewgen imports weights from nsfwjs only");
        String[] help = run("weights", "import", "--help");
        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).contains("--version=VERSION").contains("4.4.0");
    }
}
