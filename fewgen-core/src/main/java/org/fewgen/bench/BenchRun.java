package org.fewgen.bench;

import ai.djl.Device;
import com.google.gson.JsonObject;
import org.fewgen.io.RunLock;
import org.fewgen.train.Provenance;
import org.fewgen.train.RunDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A benchmark's run folder, made the way GAN and UAE runs make theirs: the next numbered folder
 * under a root ({@link RunDir}), locked while the benchmark runs ({@link RunLock}), and a
 * {@code config.json} holding what was asked ({@code benchmark}), where it ran ({@code machine})
 * and the {@code provenance} block every run carries. The result files go beside it.
 */
public final class BenchRun implements AutoCloseable {

    private final RunDir dir;
    private final RunLock lock;

    private BenchRun(RunDir dir, RunLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /**
     * Creates {@code <root>/NNNNN-<description>/} and writes its config.json.
     *
     * @param settings the benchmark's options, config.json's {@code benchmark}
     * @param machine where it runs; its command line is the provenance's too
     * @param warnings receives one line when a stale lock is taken over
     */
    public static BenchRun create(Path root, String description, JsonObject settings, MachineInfo machine,
                                  Device device, Consumer<String> warnings) throws IOException {
        RunDir dir = RunDir.create(root, description);
        RunLock lock = RunLock.acquire(dir.path(), warnings);
        try {
            JsonObject config = new JsonObject();
            config.add("benchmark", settings);
            config.add("machine", machine.toJson());
            // benchmarks run on random data: no data fingerprint
            config.add("provenance", Provenance.describe(machine.commandLine(), device, null));
            dir.writeConfig(config);
            return new BenchRun(dir, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The folder, where the result files go. */
    public RunDir dir() {
        return dir;
    }

    /** Releases the folder's lock. */
    @Override
    public void close() throws IOException {
        lock.close();
    }
}
