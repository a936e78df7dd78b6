package org.fewgen.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.fewgen.util.ConsoleBars;

import java.time.Duration;

/** fewgen-core's terminal bars drawn by me.tongfei's progressbar (ASCII style, speed and ETA). */
public final class TerminalBars implements ConsoleBars {

    @Override
    public Bar open(String task, long initial, long total, String unit, long unitSize) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(unit, unitSize).showSpeed()
                .startsFrom(initial, Duration.ZERO).setUpdateIntervalMillis(500).continuousUpdate().build();
        return new Bar() {
            @Override
            public void stepTo(long done) {
                bar.stepTo(done);
            }

            @Override
            public void status(String text) {
                bar.setExtraMessage(text);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
