package org.fewgen.cs;

import java.io.IOException;

/** Image sources other than MNIST (a second domain for transfer), converted to 28×28 grayscale. */
final class ImageDomain {

    private ImageDomain() {
    }

    static CsData load(String source) throws IOException {
        throw new IllegalArgumentException("--data " + source + ": not 'mnist' and not a folder with MNIST IDX files");
    }
}
