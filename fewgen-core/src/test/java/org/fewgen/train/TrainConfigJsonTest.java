package org.fewgen.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.gan.ConvKind;
import org.fewgen.gan.DiscriminatorConfig;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.nn.Precision;
import org.fewgen.util.SettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * config.json and snapshot metadata: configs written by earlier versions still load, and the
 * architecture hash that run folders and exported generators are checked against never changes.
 */
class TrainConfigJsonTest {

    /** {@code TrainConfig.toJson()} of the flat record (before the nested records), verbatim. */
    static final String FLAT = """
            {
              "data": "builtin:shapes",
              "out": "runs",
              "resolution": 64,
              "generator": "CONV",
              "dConv": "CONV",
              "batch": 16,
              "kimg": 2.5,
              "ngf": 32,
              "zDim": 256,
              "snapKimg": 10.0,
              "seed": 11,
              "device": "auto",
              "backbone": "mobilenetv2_100",
              "backboneWeights": "w.safetensors",
              "mirror": false,
              "logEvery": 10,
              "diffAugment": true,
              "augPolicy": "color,translation,cutout",
              "lr": 2.0E-4,
              "beta1": 0.0,
              "beta2": 0.99,
              "eps": 1.0E-8,
              "emaKimg": 5.0,
              "emaRampup": 0.05,
              "maxNonFinite": 3,
              "dInput": 224,
              "precision": "fp32"
            }""";

    /** The flat form as written before {@code dInput} and {@code precision} existed (the reference's defaults). */
    static final String FLAT_BEFORE_D_INPUT = """
            {"data": "/data/faces.zip", "out": "x", "resolution": 256, "generator": "DSC", "dConv": "DSC", "batch": 4,
             "kimg": 100.0, "ngf": 64, "zDim": 128, "snapKimg": 10.0, "seed": 0, "device": "auto",
             "backbone": "efficientnet_lite0", "backboneWeights": null, "mirror": true, "logEvery": 10,
             "diffAugment": false, "augPolicy": "color,translation,cutout", "lr": 2.0E-4, "beta1": 0.0, "beta2": 0.99,
             "eps": 1.0E-8, "emaKimg": 1.25, "emaRampup": 0.05, "maxNonFinite": 3}""";

    @Test
    void architectureHashOfAFlatConfigIsPinned() {
        // computed by the flat record's architectureHash() before the change; snapshots and exported
        // generators carry these values, so they must never change
        assertThat(TrainConfig.fromJson(FLAT).architectureHash()).isEqualTo("bd704773aea424f9");
        assertThat(TrainConfig.builder().data("builtin:shapes").resolution(64).generator(ConvKind.CONV).batch(16)
                .kimg(2.5).ngf(32).seed(11).backboneWeights("w.safetensors").build().architectureHash())
                .isEqualTo("bd704773aea424f9");
        assertThat(TrainConfig.builder().data("builtin:shapes").build().architectureHash()).isEqualTo("bb07d7ddc1bb3200");
        assertThat(TrainConfig.fromJson(FLAT_BEFORE_D_INPUT).architectureHash()).isEqualTo("63320a46c485283a");
    }

    @Test
    void aFlatConfigLoadsWithEverySetting() {
        TrainConfig c = TrainConfig.fromJson(FLAT);
        assertThat(c).isEqualTo(TrainConfig.builder().data("builtin:shapes").resolution(64).generator(ConvKind.CONV)
                .batch(16).kimg(2.5).ngf(32).seed(11).backboneWeights("w.safetensors").build());
        assertThat(c.discriminator().backboneWeights()).isEqualTo("w.safetensors");
        assertThat(c.optimizer().emaKimg()).isEqualTo(5.0);
    }

    @Test
    void aFlatConfigWrittenBeforeDInputAndPrecisionMeans224AndFp32() {
        TrainConfig c = TrainConfig.fromJson(FLAT_BEFORE_D_INPUT);
        assertThat(c.discriminator().featureInputSize()).isEqualTo(224);
        assertThat(c.run().precision()).isEqualTo(Precision.FP32);
        assertThat(c.run().mirror()).isTrue();
        assertThat(c.discriminator().diffAugment()).isFalse();
        assertThat(c.discriminator().backbone()).isEqualTo("efficientnet_lite0");
        assertThat(c.generator().zDim()).isEqualTo(128);
        assertThat(c.run().seed()).isZero();
        assertThat(c.discriminator().projectorSeed()).isZero();
    }

    @Test
    void newConfigsWriteTheNestedFormAndReadItBack() {
        TrainConfig c = TrainConfig.builder().data("/data/faces").out("o").resolution(128).generator(ConvKind.CONV)
                .dConv(ConvKind.DSC).dInput(160).ngf(16).zDim(64).batch(4).kimg(3).snapKimg(0.5).seed(9)
                .device("cpu").backbone("efficientnet_lite0").backboneWeights("b.safetensors").mirror(true)
                .logEvery(2).diffAugment(false).augPolicy("color").lr(1e-3).emaKimg(7.0).emaRampup(0)
                .maxNonFinite(5).precision(Precision.BF16).build();
        JsonObject json = JsonParser.parseString(c.toJson()).getAsJsonObject();
        assertThat(json.keySet()).containsExactly("generator", "discriminator", "optimizer", "run");
        assertThat(json.getAsJsonObject("generator").toString())
                .isEqualTo("{\"resolution\":128,\"ngf\":16,\"zDim\":64,\"conv\":\"CONV\"}");
        assertThat(json.getAsJsonObject("discriminator").toString()).isEqualTo("{\"backbone\":\"efficientnet_lite0\","
                + "\"headConv\":\"DSC\",\"diffAugment\":false,\"augPolicy\":\"color\",\"projectorSeed\":9,"
                + "\"featureInputSize\":160,\"backboneWeights\":\"b.safetensors\"}");
        assertThat(json.getAsJsonObject("optimizer").toString()).isEqualTo("{\"lr\":0.001,\"beta1\":0.0,\"beta2\":0.99,"
                + "\"eps\":1.0E-8,\"emaKimg\":7.0,\"emaRampup\":0.0}");
        assertThat(json.getAsJsonObject("run").toString()).isEqualTo("{\"data\":\"/data/faces\",\"out\":\"o\","
                + "\"batch\":4,\"kimg\":3.0,\"snapKimg\":0.5,\"seed\":9,\"device\":\"cpu\",\"mirror\":true,"
                + "\"logEvery\":2,\"maxNonFinite\":5,\"precision\":\"bf16\"}");

        assertThat(TrainConfig.fromJson(c.toJson())).isEqualTo(c);
        assertThat(TrainConfig.fromJson(c.toJsonObject().toString())).isEqualTo(c);
        assertThat(TrainConfig.Builder.from(c).build()).isEqualTo(c);
        assertThat(TrainConfig.nested(c.toJsonObject())).isEqualTo(c.toJsonObject());
        // the projector follows the run's seed unless set apart
        assertThat(TrainConfig.Builder.from(c).seed(3).build().discriminator().projectorSeed()).isEqualTo(3);
        TrainConfig apart = TrainConfig.Builder.from(c).projectorSeed(5L).build();
        assertThat(apart.discriminator().projectorSeed()).isEqualTo(5);
        assertThat(TrainConfig.fromJson(apart.toJson())).isEqualTo(apart);
        assertThat(TrainConfig.Builder.from(apart).seed(3).build().discriminator().projectorSeed()).isEqualTo(5);
    }

    @Test
    void theFlatFormMovesIntoTheRecords() {
        TrainConfig c = TrainConfig.fromJson(FLAT);
        assertThat(c.generator()).isEqualTo(new GeneratorConfig(64, 32, 256, ConvKind.CONV));
        assertThat(c.discriminator()).isEqualTo(new DiscriminatorConfig("mobilenetv2_100", ConvKind.CONV, true,
                "color,translation,cutout", 11, 224, "w.safetensors"));
        assertThat(c.optimizer()).isEqualTo(new OptimizerConfig(2e-4, 0, 0.99, 1e-8, 5.0, 0.05));
        assertThat(c.run()).isEqualTo(new RunSettings("builtin:shapes", "runs", 16, 2.5, 10, 11, "auto", false, 10, 3,
                Precision.FP32));
        // and is written back nested, with the same hash
        assertThat(TrainConfig.fromJson(c.toJson())).isEqualTo(c);
        assertThat(TrainConfig.fromJson(c.toJson()).architectureHash()).isEqualTo("bd704773aea424f9");
    }

    @Test
    void eachRecordRefusesItsOwnBadValuesNamingTheSetting() {
        TrainConfig.Builder ok = TrainConfig.builder().data("x");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).resolution(32).build())
                .isInstanceOf(SettingException.class).hasMessage("resolution 32: must be a power of two from 64 to 1024");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).ngf(12).build())
                .hasMessage("ngf 12: must be a positive multiple of 8");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).augPolicy("blur").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blur");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).lr(-1).build())
                .isInstanceOf(SettingException.class).hasMessage("lr -1.0: must be a positive number");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).emaKimg(0.0).build())
                .hasMessageStartingWith("emaKimg 0.0: must be a positive number of kimg");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).emaRampup(-1).build())
                .hasMessage("emaRampup -1.0: must be 0 (off) or more");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).maxNonFinite(0).build())
                .hasMessage("maxNonFinite 0: must be at least 1");
        assertThatThrownBy(() -> TrainConfig.Builder.from(ok.build()).logEvery(0).build())
                .hasMessage("logEvery 0: must be at least 1");
        assertThatThrownBy(() -> TrainConfig.fromJson("{\"generator\": {}, \"run\": {\"data\": \"x\"}}"))
                .isInstanceOf(SettingException.class).hasMessageStartingWith("resolution 0: ");
        assertThatThrownBy(() -> new TrainConfig(ok.build().generator(), null, null, null))
                .hasMessage("discriminator: is required");
    }
}
