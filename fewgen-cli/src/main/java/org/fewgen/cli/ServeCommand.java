package org.fewgen.cli;

import org.fewgen.dashboard.DashboardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fewgen serve}: the live dashboard of the runs under a folder, in the browser. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a live dashboard of the runs under RUNS_DIR in the browser.",
                "It shows GAN runs (curves, sample grids, snapshots), UAE runs and comparisons,",
                "benchmark JSON. Read-only; nothing to install. Its JSON API: docs/dashboard.md."})
public final class ServeCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS_DIR", defaultValue = "runs",
            description = "Folder holding run folders and benchmark JSON (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--port", paramLabel = "P", defaultValue = "" + DashboardServer.DEFAULT_PORT,
            description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = DashboardServer.DEFAULT_HOST,
            description = {"Address to listen on (default: ${DEFAULT-VALUE}, this machine only).",
                    "Another address makes the runs readable by anyone who can reach it:",
                    "there is no login."})
    String host;

    @Override
    public Integer call() throws IOException {
        DashboardServer d = start(System.out, System.err);
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            d.close();
        }
        return 0;
    }

    /** Starts the server and says where it is (and warns when it is reachable from other machines). */
    DashboardServer start(PrintStream out, PrintStream err) throws IOException {
        String warning = exposureWarning(host, runsDir);
        if (warning != null) {
            err.println(warning);
        }
        DashboardServer d = DashboardServer.start(runsDir, host, port);
        out.println("dashboard: " + d.url() + " (" + (warning == null ? "" : "listening on " + host + ":" + d.port() + "; ")
                + "serving " + runsDir.toAbsolutePath().normalize() + "; Ctrl-C to stop)");
        return d;
    }

    /** A warning when {@code host} is not a loopback address, else null. */
    static String exposureWarning(String host, Path runsDir) throws IOException {
        if (InetAddress.getByName(host).isLoopbackAddress()) {
            return null;
        }
        return "warning: --host " + host + " makes the dashboard and every run file under " + runsDir
                + " readable by anyone who can reach this address; there is no login or encryption";
    }
}
