package org.fewgen.train;

import org.fewgen.data.BatchLoader;
import org.fewgen.data.ImageSet;

/** {@link TrainingData} over a loaded {@link ImageSet}, batches from a prefetching {@link BatchLoader}. */
public final class ImageSetData implements TrainingData {

    private final ImageSet set;
    private final BatchLoader loader;

    /**
     * @param set the images
     * @param batch images per step
     * @param mirror whether samples are x-flipped with probability 1/2
     * @param seed fixes the order of batches (and the flips)
     */
    public ImageSetData(ImageSet set, int batch, boolean mirror, long seed) {
        this.set = set;
        this.loader = new BatchLoader(set, batch, mirror, seed);
    }

    @Override
    public int resolution() {
        return set.resolution();
    }

    @Override
    public int size() {
        return set.size();
    }

    @Override
    public float[] batch(long step) {
        return loader.batch(step);
    }

    @Override
    public float[] firstImages(int n) {
        int count = Math.min(n, set.size());
        byte[] px = set.pixels();
        int floats = count * set.imageBytes();
        float[] out = new float[floats];
        for (int i = 0; i < floats; i++) {
            out[i] = (px[i] & 0xFF) / 127.5f - 1f;
        }
        return out;
    }

    @Override
    public String fingerprint() {
        return set.fingerprint();
    }

    public ImageSet imageSet() {
        return set;
    }

    @Override
    public void close() {
        loader.close();
    }
}
