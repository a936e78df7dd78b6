package org.fewgen.train;

import ai.djl.Device;
import com.google.gson.JsonObject;

import java.time.Instant;

/** Versions and environment of a run, recorded beside its config. */
public final class Provenance {

    private Provenance() {
    }

    public static String fewgenVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * @param commandLine the arguments the run was started with (may be empty)
     * @param device where the tensors live
     * @param dataFingerprint content hash of the training data, or null
     */
    public static JsonObject describe(String commandLine, Device device, String dataFingerprint) {
        JsonObject o = new JsonObject();
        o.addProperty("fewgen", fewgenVersion());
        o.addProperty("djl", ai.djl.engine.Engine.getDjlVersion());
        o.addProperty("engine", "PyTorch " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        o.addProperty("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        o.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        o.addProperty("cpus", Runtime.getRuntime().availableProcessors());
        o.addProperty("device", device.toString());
        o.addProperty("command_line", commandLine == null ? "" : commandLine);
        if (dataFingerprint != null) {
            o.addProperty("data_fingerprint", dataFingerprint);
        }
        o.addProperty("started", Instant.now().toString());
        // lets the dashboard tell a running run from a stopped one
        o.addProperty("pid", ProcessHandle.current().pid());
        o.addProperty("host", org.fewgen.io.RunLock.host());
        return o;
    }
}
