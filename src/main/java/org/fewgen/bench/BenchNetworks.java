package org.fewgen.bench;

import ai.djl.ndarray.NDManager;
import org.fewgen.backbone.Backbones;
import org.fewgen.backbone.FeatureNetwork;
import org.fewgen.gan.DiscriminatorConfig;
import org.fewgen.gan.FastGanGenerator;
import org.fewgen.gan.GeneratorConfig;
import org.fewgen.gan.ProjectedDiscriminator;
import org.fewgen.train.Net;
import org.fewgen.train.NetworkFactory;
import org.fewgen.train.TrainConfig;

/**
 * The Faster Projected GAN networks as the benchmark builds them: FastGAN-lite generator and the
 * projected discriminator on the bundled (pretrained) feature network. Same construction as
 * training uses; kept here until the training package's factory is merged.
 */
final class BenchNetworks implements NetworkFactory {

    @Override
    public Net generator(NDManager manager, TrainConfig c) {
        FastGanGenerator g = new FastGanGenerator(manager,
                new GeneratorConfig(c.resolution(), c.ngf(), c.zDim(), c.generator()));
        return new Net(g, g::forward);
    }

    @Override
    public Net discriminator(NDManager manager, TrainConfig c) {
        FeatureNetwork features = Backbones.create(c.backbone(), manager, null);
        ProjectedDiscriminator d = new ProjectedDiscriminator(manager, features,
                new DiscriminatorConfig(c.backbone(), c.dConv(), c.diffAugment(), c.augPolicy(), c.seed()));
        return new Net(d, d::forward);
    }
}
