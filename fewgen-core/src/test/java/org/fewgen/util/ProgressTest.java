package org.fewgen.util;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    @Test
    void plainLinesAppearOncePerTenPercent() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = new Progress.PlainLines(new PrintStream(buf, true, StandardCharsets.UTF_8), "embedding real", 95)) {
            for (int i = 0; i < 19; i++) {
                p.advance(5);
            }
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\\R");
        assertThat(lines).hasSize(10);
        assertThat(lines[0]).startsWith("embedding real: 10/95 images (10%");
        assertThat(lines[2]).startsWith("embedding real: 30/95 images (31%");
        assertThat(lines[9]).startsWith("embedding real: 95/95 images (100%");
    }
}
