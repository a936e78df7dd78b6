/**
 * Training a Faster Projected GAN: the immutable {@link org.fewgen.train.TrainConfig} (the
 * generator's and discriminator's records, {@link org.fewgen.train.OptimizerConfig} and
 * {@link org.fewgen.train.RunSettings}), the step
 * ({@link org.fewgen.train.GanTrainer}), the run loop with its run folder, metrics, snapshots and
 * progress ({@link org.fewgen.train.TrainingRun}), the EMA generator, image grids and GIFs.
 */
package org.fewgen.train;
