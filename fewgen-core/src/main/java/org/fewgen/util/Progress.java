package org.fewgen.util;

import java.io.PrintStream;

/**
 * Progress of a long count of images (embedding for FID, decoding a data set): a bar on a
 * terminal, or a plain line every 10% when output goes to a file or CI log, so logs stay
 * readable. {@link #advance} may be called from several threads. Training reports its own way
 * ({@link org.fewgen.train.Progress}: kimg, losses, messages).
 */
public interface Progress extends AutoCloseable {

    /** Opens a progress display for {@code total} items. */
    interface Factory {
        Progress start(String task, long total);
    }

    /** Shows nothing (tests, library callers, and the trainer, which logs its own lines). */
    Factory NONE = (task, total) -> new Progress() {
        @Override
        public void advance(long n) {
        }

        @Override
        public void close() {
        }
    };

    /** A console bar on a terminal (when the application supplies {@link ConsoleBars}), plain lines on {@code err} otherwise. */
    static Factory auto(PrintStream err) {
        ConsoleBars bars = ConsoleBars.onTerminal().orElse(null);
        if (bars == null) {
            return (task, total) -> new PlainLines(err, task, total);
        }
        return (task, total) -> {
            ConsoleBars.Bar bar = bars.open(task, 0, total, " img", 1);
            return new Progress() {
                private long done;

                @Override
                public synchronized void advance(long n) {
                    done += n;
                    bar.stepTo(done);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }

    /** Records that {@code n} more items are done. */
    void advance(long n);

    @Override
    void close();

    /** Plain "task: done/total (p%)" lines at every 10%. */
    final class PlainLines implements Progress {
        private final PrintStream out;
        private final String task;
        private final long total;
        private final long startNanos = System.nanoTime();
        private long done;
        private int lastDecile;

        PlainLines(PrintStream out, String task, long total) {
            this.out = out;
            this.task = task;
            this.total = Math.max(total, 1);
        }

        @Override
        public synchronized void advance(long n) {
            done += n;
            int decile = (int) Math.min(10, done * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                double s = (System.nanoTime() - startNanos) / 1e9;
                out.printf("%s: %d/%d images (%d%%, %.1f img/s)%n", task, done, total, Math.min(100, done * 100 / total),
                        done / Math.max(s, 1e-9));
            }
        }

        @Override
        public void close() {
        }
    }
}
