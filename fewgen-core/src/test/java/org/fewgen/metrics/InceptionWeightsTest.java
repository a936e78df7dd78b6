package org.fewgen.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.TestEnv;
import org.fewgen.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InceptionWeightsTest {

    @TempDir
    Path tmp;

    @Test
    void identifiesTheOfflineNsfwjsFileAndHashesIt() throws IOException {
        Path file = TestEnv.weights().resolve(InceptionWeights.NSFWJS_FILE_NAME);
        InceptionWeights.Info info = InceptionWeights.inspect(file, null);
        assertThat(info.kind()).isEqualTo(InceptionWeights.Kind.NSFWJS);
        // the sha256 published in shared/weights/README.md
        assertThat(info.sha256()).isEqualTo("c9b1f4e78cd33ef3ba0f47145205468a5045fd6758e05dd9e8535e16c5cda574");
        assertThat(info.shortHash()).isEqualTo("c9b1f4e78cd3");
        assertThat(info.standard()).isFalse();
        assertThat(info.shapes()).hasSize(476);
        assertThat(info.describe()).contains("nsfwjs").contains("sha256:c9b1f4e78cd3");
    }

    private Path fakeInception(String name, int classes) throws IOException {
        Path f = tmp.resolve(name);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put(InceptionWeights.PROBE_TENSOR, m.zeros(new Shape(192, 2048, 1, 1)));
            t.put("fc.weight", m.zeros(new Shape(classes, 2048)));
            t.put("fc.bias", m.zeros(new Shape(classes)));
            SafeTensors.write(f, t, Map.of());
        }
        return f;
    }

    @Test
    void detectsFidAndImagenetVariantsFromTheClassifier() throws IOException {
        assertThat(InceptionWeights.inspect(fakeInception("fid.safetensors", 1008), null).kind())
                .isEqualTo(InceptionWeights.Kind.FID);
        InceptionWeights.Info imagenet = InceptionWeights.inspect(fakeInception("in.safetensors", 1000), null);
        assertThat(imagenet.kind()).isEqualTo(InceptionWeights.Kind.IMAGENET);
        assertThat(InceptionWeights.inspect(imagenet.file(), InceptionWeights.Kind.FID).kind())
                .as("a forced variant wins").isEqualTo(InceptionWeights.Kind.FID);
        Path odd = fakeInception("odd.safetensors", 10);
        assertThatThrownBy(() -> InceptionWeights.inspect(odd, null)).hasMessageContaining("name the variant: fid, imagenet or nsfwjs");
    }

    @Test
    void corruptTruncatedAndForeignFilesGiveClearErrors() throws IOException {
        Path garbage = tmp.resolve("garbage.safetensors");
        Files.write(garbage, "this is not a weights file at all".getBytes());
        assertThatThrownBy(() -> InceptionWeights.inspect(garbage, null))
                .hasMessageContaining(garbage.toString()).hasMessageContaining("not a safetensors file");

        Path good = fakeInception("t.safetensors", 1008);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        assertThatThrownBy(() -> InceptionWeights.inspect(truncated, null))
                .hasMessageContaining(truncated.toString()).hasMessageContaining("truncated");

        Path foreign = tmp.resolve("foreign.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.write(foreign, Map.of("conv_stem.weight", m.zeros(new Shape(2, 2))), Map.of());
        }
        assertThatThrownBy(() -> InceptionWeights.inspect(foreign, null))
                .hasMessageContaining("not an Inception v3").hasMessageContaining(InceptionWeights.PROBE_TENSOR);
    }

    @Test
    void resolutionOrderAndMissingFileMessage() throws IOException {
        Path explicit = fakeInception("x.safetensors", 1008);
        Path folder = Files.createDirectories(tmp.resolve("w"));
        Path nsfw = Files.copy(explicit, folder.resolve(InceptionWeights.NSFWJS_FILE_NAME));
        assertThat(InceptionWeights.resolve(explicit, "/nope", folder.toString())).isEqualTo(explicit);
        assertThat(InceptionWeights.resolve(null, explicit.toString(), folder.toString())).isEqualTo(explicit);
        assertThat(InceptionWeights.resolve(null, null, folder.toString())).isEqualTo(nsfw);
        assertThatThrownBy(() -> InceptionWeights.resolve(tmp.resolve("missing.safetensors"), null, null))
                .hasMessageStartingWith("inceptionWeights ").hasMessageEndingWith("missing.safetensors: no such file");
        assertThatThrownBy(() -> InceptionWeights.resolve(null, null, tmp.toString()))
                .hasMessageContaining("no Inception v3 weights").hasMessageContaining("pt_inception-2015-12-05")
                .hasMessageContaining("docs/metrics.md").hasMessageContaining("fewgen weights import nsfwjs");
    }
}
