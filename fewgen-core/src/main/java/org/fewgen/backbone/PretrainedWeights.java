package org.fewgen.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.fewgen.io.SafeTensors;
import org.fewgen.nn.Module;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads timm-named weight files into networks: the user's safetensors files and the weights
 * bundled as classpath resources (checked against a pinned SHA-256, so a damaged jar fails loudly
 * instead of producing quietly wrong features).
 */
public final class PretrainedWeights {

    /** Classpath resource of the bundled MobileNetV2 weights. */
    public static final String MOBILENETV2_RESOURCE = "/models/mobilenetv2_100.nsfwjs.safetensors";
    /** SHA-256 of that resource (the file of nsfwjs 4.4.0 converted to timm names; see models/README.md). */
    public static final String MOBILENETV2_SHA256 = "803e8e0a97e61469b123f633a386b5fc386d29993d8ee8cc2c5fa5a77ae60a01";

    private PretrainedWeights() {
    }

    /** Tensors by name and a description of where they came from (file name and hash), for messages and logs. */
    public record Loaded(Map<String, NDArray> tensors, String origin, String sha256) {
    }

    /**
     * Reads a safetensors file.
     *
     * @throws IOException when the file is missing, truncated or not safetensors (the message names the file)
     */
    public static Loaded readFile(Path file, NDManager manager) throws IOException {
        SafeTensors.Content content = SafeTensors.read(file, manager);
        return new Loaded(content.tensors(), file.toString(), sha256(file));
    }

    /**
     * Reads a bundled resource and checks its SHA-256.
     *
     * @throws IOException when the resource is missing or its hash differs
     */
    public static Loaded readResource(String resource, String sha256, NDManager manager) throws IOException {
        byte[] bytes;
        try (InputStream in = PretrainedWeights.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("bundled weights " + resource + " are missing from the classpath"
                        + " (a build without src/main/resources/models?)");
            }
            bytes = in.readAllBytes();
        }
        String actual = sha256(bytes);
        if (!actual.equals(sha256)) {
            throw new IOException("bundled weights " + resource + " are damaged: sha256 " + actual
                    + ", expected " + sha256);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (NDArray a : NDList.decode(manager, bytes)) {
            tensors.put(a.getName(), a);
        }
        return new Loaded(tensors, "bundled " + resource.substring(resource.lastIndexOf('/') + 1), actual);
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Copies {@code tensors} into {@code network} by name. Every tensor of the network must be
     * present with its exact shape, and the file may hold nothing else except: tensors under
     * {@code headPrefix.} (a classifier, passed to {@code head} with the prefix removed when it
     * holds any tensor named {@code 0.weight}, else ignored), tensors under one of the
     * {@code ignoredPrefixes}, and PyTorch's {@code num_batches_tracked} counters.
     *
     * @throws IllegalArgumentException naming the first missing, unexpected or misshapen tensor
     */
    static void loadInto(Module network, Loaded weights, String headPrefix, BiConsumer<Map<String, NDArray>, String> head,
                         String... ignoredPrefixes) {
        Map<String, NDArray> body = new LinkedHashMap<>();
        Map<String, NDArray> classifier = new LinkedHashMap<>();
        outer:
        for (Map.Entry<String, NDArray> e : weights.tensors().entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".num_batches_tracked")) {
                continue;
            }
            for (String p : ignoredPrefixes) {
                if (name.startsWith(p + ".")) {
                    continue outer;
                }
            }
            if (name.startsWith(headPrefix + ".")) {
                classifier.put(name.substring(headPrefix.length() + 1), e.getValue());
            } else {
                body.put(name, e.getValue());
            }
        }
        network.loadStateDict(body, true, weights.origin());
        if (classifier.containsKey("0.weight")) {
            head.accept(classifier, weights.origin());
        }
    }
}
