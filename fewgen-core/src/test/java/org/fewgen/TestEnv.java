package org.fewgen;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find shared data and weights: the folders named by {@code FEWGEN_DATA} and
 * {@code FEWGEN_WEIGHTS} (set by {@code .ci/run} and the README's test command). A test that
 * needs them fails loudly when they are missing, instead of passing without checking anything.
 */
public final class TestEnv {

    private TestEnv() {
    }

    /** The folder holding {@code mnist/} and {@code openmoji/}. */
    public static Path data() {
        return folder("FEWGEN_DATA", "mnist/ and openmoji/");
    }

    /** The folder holding the pretrained safetensors files and {@code reference_outputs.json}. */
    public static Path weights() {
        return folder("FEWGEN_WEIGHTS", "the *.safetensors weights and reference_outputs.json");
    }

    private static Path folder(String var, String what) {
        String v = System.getenv(var);
        if (v == null || v.isBlank()) {
            throw new AssertionError(var + " is not set: point it at the folder with " + what
                    + " (the README's test command and .ci/run set it)");
        }
        Path p = Path.of(v);
        if (!Files.isDirectory(p)) {
            throw new AssertionError(var + "=" + v + " is not a folder (expected " + what + ")");
        }
        return p;
    }
}
