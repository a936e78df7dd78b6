package org.fewgen.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTensorsTest {

    @Test
    void roundTripKeepsNamesValuesAndMetadata(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("a.weight", manager.arange(24f).reshape(2, 3, 4));
            t.put("b", manager.create(new long[] {7, -3}));
            Path f = dir.resolve("x.safetensors");
            SafeTensors.write(f, t, Map.of("format", "fewgen-1"));
            SafeTensors.Content c = SafeTensors.read(f, manager);
            assertThat(c.tensors().keySet()).containsExactly("a.weight", "b");
            assertThat(c.tensors().get("a.weight").contentEquals(t.get("a.weight"))).isTrue();
            assertThat(c.tensors().get("b").getDataType()).isEqualTo(DataType.INT64);
            assertThat(c.metadata()).containsEntry("format", "fewgen-1");
            assertThat(SafeTensors.readMetadata(f)).containsEntry("format", "fewgen-1");
        }
    }

    @Test
    void truncatedFileNamesTheTensor(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Path f = dir.resolve("x.safetensors");
            SafeTensors.write(f, Map.of("w", manager.ones(new ai.djl.ndarray.types.Shape(100))), Map.of());
            byte[] all = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(all, all.length - 10));
            assertThatThrownBy(() -> SafeTensors.read(f, manager))
                    .hasMessageContaining("x.safetensors").hasMessageContaining("'w'");
        }
    }
}
