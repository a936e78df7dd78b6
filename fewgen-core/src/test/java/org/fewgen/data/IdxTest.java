package org.fewgen.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxTest {

    private static byte[] idx(int magic, int... dimsThenData) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(b);
        try {
            d.writeInt(magic);
            int ndim = magic & 0xff;
            for (int i = 0; i < dimsThenData.length; i++) {
                if (i < ndim) {
                    d.writeInt(dimsThenData[i]);
                } else {
                    d.writeByte(dimsThenData[i]);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    @Test
    void readsRawAndGzip(@TempDir Path dir) throws IOException {
        byte[] raw = idx(0x0803, 2, 1, 2, 0, 255, 7, 9);
        Files.write(dir.resolve("a.idx"), raw);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("a.gz")))) {
            o.write(raw);
        }
        for (String name : new String[] {"a.idx", "a.gz"}) {
            Idx.UByteArray a = Idx.read(dir.resolve(name));
            assertThat(a.dims()).containsExactly(2, 1, 2);
            assertThat(a.itemSize()).isEqualTo(2);
            assertThat(a.get(1)).isEqualTo(255);
        }
    }

    @Test
    void rejectsWrongMagicAndTruncation(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("bad"), idx(0x12340803, 1, 1, 1, 5));
        assertThatThrownBy(() -> Idx.read(dir.resolve("bad"))).hasMessageContaining("bad")
                .hasMessageContaining("magic");
        Files.write(dir.resolve("short"), idx(0x0803, 2, 2, 2, 1, 2, 3));
        assertThatThrownBy(() -> Idx.read(dir.resolve("short"))).hasMessageContaining("short")
                .hasMessageContaining("truncated");
    }
}
