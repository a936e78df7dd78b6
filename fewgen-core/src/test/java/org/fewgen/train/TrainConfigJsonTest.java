package org.fewgen.train;

import org.fewgen.gan.ConvKind;
import org.fewgen.nn.Precision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(c.backboneWeights()).isEqualTo("w.safetensors");
        assertThat(c.emaKimg()).isEqualTo(5.0);
    }

    @Test
    void aFlatConfigWrittenBeforeDInputAndPrecisionMeans224AndFp32() {
        TrainConfig c = TrainConfig.fromJson(FLAT_BEFORE_D_INPUT);
        assertThat(c.dInput()).isEqualTo(224);
        assertThat(c.precision()).isEqualTo(Precision.FP32);
        assertThat(c.mirror()).isTrue();
        assertThat(c.diffAugment()).isFalse();
        assertThat(c.backbone()).isEqualTo("efficientnet_lite0");
        assertThat(c.zDim()).isEqualTo(128);
        assertThat(c.seed()).isZero();
        assertThat(c.discriminatorConfig().projectorSeed()).isZero();
    }
}
