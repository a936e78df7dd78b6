package org.fewgen.cs;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsDataTest {

    @Test
    void anImageSourceBecomesA28x28GraySplitByIndex() throws IOException {
        CsData d = CsData.load("builtin:shapes:30");
        assertThat(d.side()).isEqualTo(28);
        assertThat(d.testCount()).isEqualTo(3);
        assertThat(d.validCount()).isEqualTo(3);
        assertThat(d.trainCount()).isEqualTo(24);
        assertThat(d.trainLabels()).containsOnly(-1);
        float min = 1;
        float max = 0;
        for (float v : d.train()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isGreaterThanOrEqualTo(0f);
        assertThat(max).isLessThanOrEqualTo(1f).isGreaterThan(min);
    }

    @Test
    void tooFewImagesAreRefusedWithTheSourceNamed() {
        assertThatThrownBy(() -> CsData.load("builtin:shapes:5"))
                .hasMessage("data builtin:shapes:5: only 5 images; a train/validation/test split needs at least 10");
    }
}
