package org.fewgen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CsCompareCommandTest {

    @Test
    void anUnknownMethodIsOneLineNamingTheOptionAndTheValidNames(@TempDir Path tmp) {
        CommandLine cl = FewgenCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Path dest = tmp.resolve("cmp");
        int code = cl.execute("cs", "compare", "--methods", "pca-linear,omp", "--out", dest.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString().strip()).isEqualTo("fewgen: error: --methods omp: unknown method 'omp'; known: uae, uae-unit, "
                + "pca-mlp, pca-linear, lasso-pixel, lasso-dct, csvae");
        // it fails before anything is loaded or written
        assertThat(dest).doesNotExist();
    }
}
