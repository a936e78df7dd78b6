package org.fewgen.cli;

import java.io.IOException;

/**
 * The library names values, not flags, in its errors ("runs/x: no such file or run folder"); the
 * CLI puts the option in front so the user knows which argument to fix.
 */
final class OptionErrors {

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    private OptionErrors() {
    }

    /** Runs {@code body}; an IllegalArgumentException from it comes back prefixed with {@code option}. */
    static <T> T forOption(String option, IoSupplier<T> body) throws IOException {
        try {
            return body.get();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException(m.startsWith(option) ? m : option + " " + m, e);
        }
    }
}
