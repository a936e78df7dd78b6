/**
 * Pretrained image networks with timm/torchvision parameter names: the frozen feature networks of
 * the projected discriminator ({@link org.fewgen.backbone.MobileNetV2},
 * {@link org.fewgen.backbone.EfficientNetLite0}, made by {@link org.fewgen.backbone.Backbones}) and
 * the Inception v3 of FID/KID ({@link org.fewgen.backbone.InceptionV3}). Weights come from
 * safetensors files (or, for MobileNetV2, the copy bundled on the classpath) and are checked by
 * name and shape.
 */
package org.fewgen.backbone;
