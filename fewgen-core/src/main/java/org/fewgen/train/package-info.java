/**
 * Training a Faster Projected GAN: the immutable {@link org.fewgen.train.TrainConfig}, the step
 * ({@link org.fewgen.train.GanTrainer}), the run loop with its run folder, metrics, snapshots and
 * progress ({@link org.fewgen.train.TrainingRun}), the EMA generator, image grids and GIFs.
 */
package org.fewgen.train;
