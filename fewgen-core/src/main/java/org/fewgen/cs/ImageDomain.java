package org.fewgen.cs;

import org.fewgen.data.ImageSet;
import org.fewgen.data.ImageSources;
import org.fewgen.data.Transform;

import java.io.IOException;

/**
 * Image sources other than MNIST (a second domain, e.g. {@code openmoji:animals-nature}, for
 * transfer): loaded through {@link ImageSources} at 28×28, centre-cropped, converted to luma in
 * [0, 1]. Split by position in the (sorted) source: every 10th image (index ≡ 0 mod 10) tests,
 * index ≡ 1 mod 10 validates, the rest train; no labels.
 */
final class ImageDomain {

    private ImageDomain() {
    }

    static CsData load(String source) throws IOException {
        ImageSet set = ImageSources.load(source, 28, Transform.CENTER_CROP);
        int n = 28 * 28;
        int size = set.size();
        if (size < 10) {
            throw new org.fewgen.util.SettingException("data", source, "only " + size
                    + " images; a train/validation/test split needs at least 10");
        }
        float[] all = set.grayscaleAll();
        int tests = (size + 9) / 10;
        int valids = (size + 8) / 10;
        int trains = size - tests - valids;
        float[] tr = new float[trains * n];
        float[] va = new float[valids * n];
        float[] te = new float[tests * n];
        int a = 0;
        int b = 0;
        int c = 0;
        for (int i = 0; i < size; i++) {
            switch (i % 10) {
                case 0 -> System.arraycopy(all, i * n, te, n * c++, n);
                case 1 -> System.arraycopy(all, i * n, va, n * b++, n);
                default -> System.arraycopy(all, i * n, tr, n * a++, n);
            }
        }
        return new CsData(source.replaceAll("[^A-Za-z0-9]+", "_"), 28, tr, filled(trains), va, filled(valids), te,
                filled(tests));
    }

    private static int[] filled(int count) {
        int[] out = new int[count];
        java.util.Arrays.fill(out, -1);
        return out;
    }
}
