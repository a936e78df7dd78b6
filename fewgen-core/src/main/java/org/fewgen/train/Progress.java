package org.fewgen.train;

import org.fewgen.util.ConsoleBars;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Reports training progress: a live bar on a terminal, one plain line per update otherwise (CI
 * logs, files, tests). Updates come every {@code --log-every} steps with the last read losses.
 */
public interface Progress extends AutoCloseable {

    /** Training (re)starts at {@code nimg} of {@code totalNimg} images. */
    void start(long nimg, long totalNimg);

    /** Progress after a step; {@code status} holds the last losses. */
    void update(long nimg, double imgPerSec, String status);

    /** A message that must be seen (snapshot written, non-finite loss, reload). */
    void message(String line);

    @Override
    void close();

    /** A bar when stdout is a terminal and the application supplies {@link ConsoleBars}, plain lines otherwise. */
    static Progress auto(PrintStream out) {
        return ConsoleBars.onTerminal().<Progress>map(bars -> new Bar(out, bars)).orElseGet(() -> new Lines(out));
    }

    /** Nothing at all (benchmarks). */
    static Progress silent() {
        return new Progress() {
            @Override public void start(long nimg, long totalNimg) { }
            @Override public void update(long nimg, double imgPerSec, String status) { }
            @Override public void message(String line) { }
            @Override public void close() { }
        };
    }

    /** Plain log lines: {@code kimg 1.234/20.000  12.3 img/s  ETA 0:12:34  G -0.12 D 1.93}. */
    final class Lines implements Progress {
        private final PrintStream out;
        private long total;

        public Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void start(long nimg, long totalNimg) {
            total = totalNimg;
        }

        @Override
        public void update(long nimg, double imgPerSec, String status) {
            String eta = imgPerSec > 0 ? formatDuration((long) ((total - nimg) / imgPerSec)) : "?";
            out.printf(Locale.ROOT, "kimg %.3f/%.3f  %.1f img/s  ETA %s  %s%n", nimg / 1000.0, total / 1000.0,
                    imgPerSec, eta, status);
            out.flush();
        }

        @Override
        public void message(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    /** A terminal bar counted in images and shown in kimg. */
    final class Bar implements Progress {
        private final PrintStream out;
        private final ConsoleBars bars;
        private ConsoleBars.Bar bar;

        public Bar(PrintStream out, ConsoleBars bars) {
            this.out = out;
            this.bars = bars;
        }

        @Override
        public void start(long nimg, long totalNimg) {
            bar = bars.open("train", nimg, totalNimg, " kimg", 1000);
        }

        @Override
        public void update(long nimg, double imgPerSec, String status) {
            if (bar != null) {
                bar.stepTo(nimg);
                bar.status(status);
            }
        }

        @Override
        public void message(String line) {
            // a newline first so the message does not overwrite the bar's line
            out.println();
            out.println(line);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    static String formatDuration(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
