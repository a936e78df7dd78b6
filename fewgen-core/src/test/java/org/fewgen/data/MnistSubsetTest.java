package org.fewgen.data;

import org.fewgen.TestEnv;
import org.fewgen.cs.CsData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed MNIST subset (src/test/resources/org/fewgen/mnist-subset) is what its NOTICE says it is. */
class MnistSubsetTest {

    private static Path subsetFolder(Path tmp) throws IOException {
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = TestEnv.class.getResourceAsStream("mnist-subset/" + name)) {
                Files.copy(in, tmp.resolve(name));
            }
        }
        return tmp;
    }

    @Test
    void subsetHoldsThreeThousandTrainingAndFiveHundredTestDigitsOfEveryClass(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        CsData subset = CsData.loadMnist(subsetFolder(tmp));
        assertThat(subset.trainCount()).isEqualTo(2500);
        assertThat(subset.validCount()).isEqualTo(500);
        assertThat(subset.testCount()).isEqualTo(500);
        for (int[] labels : new int[][] {subset.trainLabels(), subset.validLabels(), subset.testLabels()}) {
            assertThat(labels).contains(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "FEWGEN_DATA", matches = ".+")
    void subsetSplitsLikeTheFullFilesUpToItsSize(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        CsData subset = CsData.loadMnist(subsetFolder(tmp));
        CsData full = CsData.loadMnist(TestEnv.mnist()).limit(2500, 500, 500);
        assertThat(subset.train()).isEqualTo(full.train());
        assertThat(subset.trainLabels()).isEqualTo(full.trainLabels());
        assertThat(subset.valid()).isEqualTo(full.valid());
        assertThat(subset.validLabels()).isEqualTo(full.validLabels());
        assertThat(subset.test()).isEqualTo(full.test());
        assertThat(subset.testLabels()).isEqualTo(full.testLabels());
    }
}
