package org.fewgen.cli;

import org.fewgen.dashboard.DashboardServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsToLoopbackAndServesTheFolder() throws Exception {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(tmp.toString(), "--port", "0");
        assertThat(cmd.host).isEqualTo("127.0.0.1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (DashboardServer d = cmd.start(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))) {
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("dashboard: http://127.0.0.1:" + d.port() + "/");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(d.url() + "api/runs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"runs\":[]");
        }
    }

    @Test
    void warnsForOtherHostsAndParsesServeOptions() throws Exception {
        assertThat(ServeCommand.exposureWarning("0.0.0.0", tmp)).startsWith("warning: --host 0.0.0.0").contains("no login");
        assertThat(ServeCommand.exposureWarning("localhost", tmp)).isNull();
        assertThat(ServeCommand.exposureWarning("::1", tmp)).isNull();

        GanTrainCommand train = new GanTrainCommand();
        new CommandLine(train).parseArgs("--data", "builtin:shapes", "--serve");
        assertThat(train.serve).isEqualTo(DashboardServer.DEFAULT_PORT);
        new CommandLine(train = new GanTrainCommand()).parseArgs("--serve", "9000", "--data", "builtin:shapes");
        assertThat(train.serve).isEqualTo(9000);
        new CommandLine(train = new GanTrainCommand()).parseArgs("--data", "builtin:shapes");
        assertThat(train.serve).isNull();
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--serve", "0", "--kimg", "1");
        assertThat(demo.serve).isZero();
        assertThat(FewgenCommand.commandLine().getSubcommands()).containsKey("serve");
    }
}
