package org.fewgen.train;

import ai.djl.ndarray.NDManager;
import org.fewgen.backbone.Backbones;
import org.fewgen.backbone.FeatureNetwork;
import org.fewgen.gan.DiscriminatorConfig;
import org.fewgen.gan.FastGanGenerator;
import org.fewgen.gan.ProjectedDiscriminator;

import java.nio.file.Path;

/**
 * The networks of Faster Projected GAN: FastGAN-lite generator ({@code --generator conv|dsc}) and
 * the projected discriminator on a frozen feature network ({@code --backbone}, {@code --d-conv}).
 * The random projector is seeded with the run's seed, so it is part of what {@code --seed} fixes.
 */
public final class FastGanNetworks implements NetworkFactory {

    @Override
    public Net generator(NDManager manager, TrainConfig c) {
        FastGanGenerator g = new FastGanGenerator(manager, c.generator());
        return new Net(g, g::forward);
    }

    @Override
    public Net discriminator(NDManager manager, TrainConfig c) {
        DiscriminatorConfig dc = c.discriminator();
        Path weights = dc.backboneWeights() == null ? null : Path.of(dc.backboneWeights());
        FeatureNetwork features = Backbones.create(dc.backbone(), manager, weights);
        ProjectedDiscriminator d = new ProjectedDiscriminator(manager, features, dc);
        return new Net(d, d::forward);
    }
}
