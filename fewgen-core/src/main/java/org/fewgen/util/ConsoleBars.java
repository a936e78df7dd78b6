package org.fewgen.util;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Live progress bars on a terminal, supplied by the application (fewgen-cli registers one through
 * {@code META-INF/services}); the library itself has no terminal dependency and falls back to
 * plain lines, or silence, without one.
 */
public interface ConsoleBars {

    /**
     * Opens a bar for {@code task} counting to {@code total} items, displayed in units of
     * {@code unitSize} items named {@code unit}, starting at {@code initial}.
     */
    Bar open(String task, long initial, long total, String unit, long unitSize);

    /** One open bar. */
    interface Bar extends AutoCloseable {
        /** Moves the bar to {@code done} items. */
        void stepTo(long done);

        /** Text shown after the bar (losses, rates). */
        void status(String text);

        @Override
        void close();
    }

    /** The registered bars when this process has a terminal; empty for files, pipes and CI logs. */
    static Optional<ConsoleBars> onTerminal() {
        if (System.console() == null) {
            return Optional.empty();
        }
        return ServiceLoader.load(ConsoleBars.class).findFirst();
    }
}
