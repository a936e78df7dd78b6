package org.fewgen.data;

/** The image order of {@link BatchLoader}, for tools outside this package (TwinExport). */
public final class LoaderOrder {

    private LoaderOrder() {
    }

    /** The image index of samples {@code 0 … count−1} (sample k = step·batch + j), without mirroring. */
    public static int[] indices(ImageSet set, int batch, long seed, int count) {
        try (BatchLoader loader = new BatchLoader(set, batch, false, seed)) {
            int[] out = new int[count];
            for (int k = 0; k < count; k++) {
                out[k] = (int) loader.sample(k);
            }
            return out;
        }
    }
}
