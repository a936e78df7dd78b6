package org.fewgen.metrics;

import org.fewgen.util.Progress;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.fewgen.backbone.InceptionV3;
import org.fewgen.io.SafeTensors;
import org.fewgen.nn.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Weights written by a randomly initialised network load back and give the same features. */
class InceptionFeaturesTest {

    @TempDir
    static Path tmp;
    static Path fidFile;
    static float[] expected;
    static NDManager manager;
    static NDArray image;
    static Map<String, NDArray> randomState;

    @BeforeAll
    static void writeRandomFidNetwork() throws Exception {
        manager = NDManager.newBaseManager();
        // one 80×80 float image in [-1, 1]: resized to 299 inside, as a generator's output would be
        image = manager.randomUniform(-1f, 1f, new Shape(1, 3, 80, 80));
        InceptionV3 random = new InceptionV3(manager, InceptionV3.Variant.FID);
        Map<String, NDArray> state = new LinkedHashMap<>(random.stateDict());
        // the FID network's 1008-way classifier is what identifies the file
        state.put("fc.weight", manager.randomNormal(new Shape(1008, 2048)));
        state.put("fc.bias", manager.zeros(new Shape(1008)));
        fidFile = tmp.resolve("random-fid-inception.safetensors");
        SafeTensors.write(fidFile, state, Map.of("note", "random weights written by a test"));
        randomState = state;
        NDArray x = InceptionInput.prepare(image, Device.cpu(), InceptionInput.Range.MINUS_ONE_TO_ONE, false);
        expected = Tensors.noGrad(() -> random.pool3(x)).toFloatArray();
    }

    @Test
    void roundTripGivesTheSameFeaturesAndIdentifiesTheNetwork() throws Exception {
        InceptionWeights.Info info = InceptionWeights.inspect(fidFile, null);
        assertThat(info.kind()).isEqualTo(InceptionWeights.Kind.FID);
        assertThat(info.standard()).isTrue();
        try (InceptionFeatures net = InceptionFeatures.open(info, Device.cpu())) {
            float[] got = Tensors.noGrad(() -> net.embed(image)).toFloatArray();
            assertThat(got).hasSize(2048).containsExactly(expected);
            assertThat(net.id()).isEqualTo("inception_v3/fid/sha256:" + InceptionWeights.sha256(fidFile));
            assertThat(net.describe()).contains("fid").contains(info.shortHash());
        }
    }

    @Test
    void mismatchingOrIncompleteWeightsGiveClearErrors() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> state = new LinkedHashMap<>(randomState);
            state.put("fc.weight", m.zeros(new Shape(1000, 2048)));
            state.put("fc.bias", m.zeros(new Shape(1000)));
            state.put("Mixed_6b.branch7x7_2.conv.weight", m.zeros(new Shape(128, 128, 7, 1)));
            Path wrong = tmp.resolve("wrong-shape.safetensors");
            SafeTensors.write(wrong, state, Map.of());
            InceptionWeights.Info info = InceptionWeights.inspect(wrong, null);
            assertThat(info.kind()).isEqualTo(InceptionWeights.Kind.IMAGENET);
            assertThatThrownBy(() -> InceptionFeatures.open(info, Device.cpu()))
                    .hasMessageContaining(wrong.toString())
                    .hasMessageContaining("Mixed_6b.branch7x7_2.conv.weight");

            state.remove("Mixed_5b.branch1x1.bn.running_var");
            state.put("Mixed_6b.branch7x7_2.conv.weight", m.zeros(new Shape(128, 128, 1, 7)));
            Path missing = tmp.resolve("missing.safetensors");
            SafeTensors.write(missing, state, Map.of());
            InceptionWeights.Info info2 = InceptionWeights.inspect(missing, null);
            assertThatThrownBy(() -> InceptionFeatures.open(info2, Device.cpu()))
                    .hasMessageContaining(missing.toString())
                    .hasMessageContaining("Mixed_5b.branch1x1.bn.running_var");
        }
    }

    @Test
    void evaluatorFactoryLoadsTheNamedFileAndReportsAStandardNetwork() throws Exception {
        try (FidEvaluator eval = FidEvaluator.open(fidFile, null, Device.cpu(), 4, false, Progress.NONE, System.err)) {
            assertThat(eval.network().standard()).isTrue();
            assertThat(eval.network().id()).startsWith("inception_v3/fid/sha256:");
            FidEvaluator.Result r = new FidEvaluator.Result(1.5, null, 10, 10, false, eval.network().describe(),
                    eval.network().id(), eval.network().standard(), 0);
            assertThat(r.report()).contains("FID 1.5000").doesNotContain("warning");
        }
        assertThatThrownBy(() -> FidEvaluator.open(tmp.resolve("none.safetensors"), null, Device.cpu(), 4, false,
                Progress.NONE, System.err)).hasMessageContaining("none.safetensors: no such file");
    }
}
