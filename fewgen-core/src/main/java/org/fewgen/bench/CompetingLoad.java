package org.fewgen.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CPU-bound processes that compete with a benchmark for the cores, the way other work on a shared
 * machine does: each spins on arithmetic until closed. They are separate processes (not threads of
 * the benchmark's JVM) so that the OS schedules them as it would any other program's; each ends
 * by itself when its parent is gone.
 */
public final class CompetingLoad implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();

    private CompetingLoad() {
    }

    /** Starts {@code n} busy processes. */
    public static CompetingLoad start(int n) throws IOException {
        CompetingLoad load = new CompetingLoad();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int i = 0; i < n; i++) {
                load.processes.add(new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                        CompetingLoad.class.getName()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    public int size() {
        return processes.size();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static volatile double sink;

    /** The busy process: spins until its parent is gone. */
    public static void main(String[] args) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        Thread watch = new Thread(() -> {
            while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    break;
                }
            }
            Runtime.getRuntime().halt(0);
        });
        watch.setDaemon(true);
        watch.start();
        double x = 1;
        while (true) {
            for (int i = 0; i < 1_000_000; i++) {
                x = x * 1.0000001 + 1e-9;
            }
            sink = x;
        }
    }
}
