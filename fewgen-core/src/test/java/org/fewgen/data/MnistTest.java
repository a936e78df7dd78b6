package org.fewgen.data;

import org.fewgen.TestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MnistTest {

    @Test
    void readsTheFirstTestImagesWithLabels() throws IOException {
        Mnist.Data test = Mnist.load(TestEnv.mnist(), Mnist.Split.TEST, 5);
        assertThat(test.count()).isEqualTo(5);
        assertThat(test.rows()).isEqualTo(28);
        assertThat(test.cols()).isEqualTo(28);
        // The first five MNIST test digits.
        assertThat(test.labels()).containsExactly(7, 2, 1, 0, 4);
        assertThat(test.images()).hasSize(5 * 784);
        float max = 0;
        for (float v : test.images()) {
            assertThat(v).isBetween(0f, 1f);
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
        assertThat(test.image(0)[0]).isZero();
        assertThat(test.slice(1, 3).labels()).containsExactly(2, 1);
    }

    private static byte[] idx(int magic, int[] dims, int fill) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        int n = 1;
        for (int dim : dims) {
            d.writeInt(dim);
            n *= dim;
        }
        for (int i = 0; i < n; i++) {
            d.writeByte(fill);
        }
        return b.toByteArray();
    }

    @Test
    void mismatchedOrMissingFilesAreNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Mnist.load(dir, Mnist.Split.TRAIN)).hasMessageContaining("train-images-idx3-ubyte");
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x0803, new int[] {3, 2, 2}, 255));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x0801, new int[] {2}, 1));
        assertThatThrownBy(() -> Mnist.load(dir, Mnist.Split.TRAIN)).hasMessageContaining("3 images but")
                .hasMessageContaining("2 labels");
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x0801, new int[] {3}, 4));
        Mnist.Data d = Mnist.load(dir, Mnist.Split.TRAIN);
        assertThat(d.labels()).containsExactly(4, 4, 4);
        assertThat(d.images()).containsOnly(1f);
    }
}
