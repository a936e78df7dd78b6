package org.fewgen.cs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.TestEnv;
import org.fewgen.io.AtomicFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UaeTrainerTest {

    private static CsData small;

    @BeforeAll
    static void load() throws IOException {
        small = CsData.loadMnist(TestEnv.mnist()).limit(1000, 300, 200);
    }

    private static UaeConfig config(int epochs) {
        return new UaeConfig("mnist", 10, 0.1f, "linear", new int[0], new int[] {64}, epochs, 50, 1e-3f, 0f, 0f, 4L,
                "", 0);
    }

    @Test
    void mnistSplitHoldsOutTheLastSixthOfTheTrainingFileForValidation() throws IOException {
        CsData all = CsData.loadMnist(TestEnv.mnist());
        // full MNIST: 50 000 / 10 000 / 10 000; the committed subset: 2500 / 500 / 500
        int total = TestEnv.sharedData() ? 60_000 : 3000;
        assertThat(all.validCount()).isEqualTo(Math.min(10_000, total / 6));
        assertThat(all.trainCount()).isEqualTo(total - all.validCount());
        assertThat(all.testCount()).isEqualTo(TestEnv.sharedData() ? 10_000 : 500);
        assertThat(all.pixels()).isEqualTo(784);
        assertThat(all.train()[0 * 784 + 300]).isBetween(0f, 1f);
    }

    @Test
    void aRunFolderHasAReadableNameAndConfigWithProvenance(@TempDir Path tmp) throws IOException {
        UaeConfig c = config(1);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Path dir = UaeRun.run(c, small, manager, tmp, "uae", null, null, "fewgen cs train -m 10", null).runDir();
            assertThat(dir.getFileName().toString()).isEqualTo("00000-uae-mnist-m10-linear");
            String json = Files.readString(dir.resolve("config.json"));
            assertThat(UaeConfig.fromJson(json, "config.json")).isEqualTo(c);
            com.google.gson.JsonObject prov = com.google.gson.JsonParser.parseString(json).getAsJsonObject()
                    .getAsJsonObject("provenance");
            assertThat(prov.get("command_line").getAsString()).isEqualTo("fewgen cs train -m 10");
            assertThat(prov.get("device").getAsString()).isEqualTo(manager.getDevice().toString());
            assertThat(prov.has("java") && prov.has("fewgen") && prov.has("cpus")).isTrue();
            assertThat(prov.get("data_fingerprint").getAsString()).isEqualTo(small.fingerprint()).hasSize(64);
            assertThat(org.fewgen.train.MetricsLog.read(dir.resolve("metrics.jsonl"))).hasSize(1);
        }
    }

    @Test
    void aBf16RunRecordsItsPrecisionAndLearnsAsFp32Does(@TempDir Path tmp) throws IOException {
        UaeConfig c = config(2);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeRun.Result fp32 = UaeRun.run(c, small, manager, tmp, "uae", null, null, "", null);
            UaeRun.Result bf16 = UaeRun.run(c, small, manager, tmp, "uae", null, null, "", null,
                    org.fewgen.nn.Precision.BF16);
            com.google.gson.JsonObject cfg = com.google.gson.JsonParser.parseString(
                    Files.readString(bf16.runDir().resolve("config.json"))).getAsJsonObject();
            assertThat(cfg.get("precision").getAsString()).isEqualTo("bf16");
            assertThat(UaeConfig.fromJson(cfg.toString(), "config.json")).isEqualTo(c);
            double a = fp32.test().l2Mean();
            double b = bf16.test().l2Mean();
            // bf16 products really ran (not bit-identical to fp32) and learned as much (2 epochs, 1000 images)
            assertThat(b).isNotEqualTo(a);
            assertThat(Math.abs(b - a) / a).as("bf16 %s vs fp32 %s", b, a).isLessThan(0.03);
        }
    }

    @Test
    void theDataFingerprintFollowsTheContentNotTheName() {
        CsData renamed = new CsData("other", small.side(), small.train(), small.trainLabels(), small.valid(),
                small.validLabels(), small.test(), small.testLabels());
        assertThat(renamed.fingerprint()).isEqualTo(small.fingerprint());
        float[] test = small.test().clone();
        test[test.length - 1] += 0.5f;
        CsData changed = new CsData(small.name(), small.side(), small.train(), small.trainLabels(), small.valid(),
                small.validLabels(), test, small.testLabels());
        assertThat(changed.fingerprint()).isNotEqualTo(small.fingerprint());
        assertThat(small.limit(999, 300, 200).fingerprint()).isNotEqualTo(small.fingerprint());
    }

    @Test
    void aShortRunLowersTheValidationError() throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeConfig c = config(3);
            UncertaintyAutoencoder model = UaeRun.build(manager, c, 784, null);
            UaeTrainer trainer = new UaeTrainer(c, small, model, null, null);
            double before = trainer.validationL2();
            UaeTrainer.Outcome out = trainer.train();
            assertThat(out.bestValidL2()).isLessThan(before * 0.9);
            assertThat(trainer.validationL2()).isEqualTo(out.bestValidL2());
            assertThat(out.bestEpoch()).isBetween(1, 3);
        }
    }

    @Test
    void rowNormConstraintHoldsAfterTraining() throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeConfig c = config(1).withEncoder("linear", 0.5f, "");
            UncertaintyAutoencoder model = UaeRun.build(manager, c, 784, null);
            new UaeTrainer(c, small, model, null, null).train();
            try (NDArray norms = model.encoder().linearWeight().norm(new int[] {1})) {
                assertThat(norms.max().getFloat()).isLessThanOrEqualTo(0.5f + 1e-5f);
            }
        }
    }

    @Test
    void checkpointResumeContinuesExactlyWhereTheRunStopped(@TempDir Path tmp) throws IOException {
        Path runA = Files.createDirectories(tmp.resolve("a"));
        Path runB = Files.createDirectories(tmp.resolve("b"));
        float[] straight;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeConfig c = config(2);
            AtomicFiles.writeString(runA.resolve("config.json"), c.toJson());
            UncertaintyAutoencoder model = UaeRun.build(manager, c, 784, null);
            new UaeTrainer(c, small, model, runA, null).train();
            straight = lastState(runA, manager);
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeConfig one = config(1);
            UncertaintyAutoencoder model = UaeRun.build(manager, one, 784, null);
            new UaeTrainer(one, small, model, runB, null).train();
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeConfig two = config(2);
            UncertaintyAutoencoder model = UaeRun.build(manager, two, 784, null);
            // a kill in the middle of a metrics write leaves a torn line; the resumed run cuts it off
            Files.writeString(runB.resolve("metrics.jsonl"), "{\"epoch\":2,\"tra", java.nio.file.StandardOpenOption.APPEND);
            UaeTrainer resumed = new UaeTrainer(two, small, model, runB, null);
            resumed.resume(runB.resolve("checkpoint.safetensors"));
            assertThat(resumed.epochsDone()).isEqualTo(1);
            resumed.train();
            assertThat(resumed.epochsDone()).isEqualTo(2);
            float[] continued = lastState(runB, manager);
            assertThat(continued).hasSameSizeAs(straight);
            for (int i = 0; i < straight.length; i++) {
                assertThat(continued[i]).isCloseTo(straight[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
            assertThat(org.fewgen.train.MetricsLog.read(runB.resolve("metrics.jsonl")))
                    .extracting(o -> o.get("epoch").getAsInt()).containsExactly(1, 2);
        }
    }

    private static float[] lastState(Path run, NDManager manager) throws IOException {
        Map<String, NDArray> t = org.fewgen.io.SafeTensors.read(run.resolve("checkpoint.safetensors"), manager).tensors();
        return t.get("model.decoder.2.weight").toFloatArray();
    }

    @Test
    void resumeRejectsAForeignFile(@TempDir Path tmp) throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Path f = tmp.resolve("x.safetensors");
            org.fewgen.io.SafeTensors.write(f, Map.of("w", manager.zeros(new ai.djl.ndarray.types.Shape(2))),
                    Map.of("format", "other"));
            UaeConfig c = config(1);
            UaeTrainer t = new UaeTrainer(c, small, UaeRun.build(manager, c, 784, null), null, null);
            assertThatThrownBy(() -> t.resume(f)).hasMessageContaining("not a fewgen UAE checkpoint");
        }
    }
}
