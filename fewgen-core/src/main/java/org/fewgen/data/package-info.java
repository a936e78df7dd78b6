/**
 * Image data for fewgen: loading any supported source into an in-memory {@link org.fewgen.data.ImageSet}
 * of R×R RGB bytes ({@link org.fewgen.data.ImageSources}), caching decoded sets, drawing deterministic
 * training batches on a background thread ({@link org.fewgen.data.BatchLoader}), the built-in
 * {@code builtin:shapes} and {@code builtin:digits} datasets ({@link org.fewgen.data.ProceduralShapes},
 * {@link org.fewgen.data.ProceduralDigits}), MNIST with labels
 * ({@link org.fewgen.data.Mnist}, {@link org.fewgen.data.Idx}) and prepared zips
 * ({@link org.fewgen.data.PreparedZip}).
 */
package org.fewgen.data;
