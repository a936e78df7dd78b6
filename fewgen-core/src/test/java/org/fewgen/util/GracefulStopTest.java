package org.fewgen.util;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulStopTest {

    @Test
    void theFirstSignalAsksForAStopAndASecondExitsAtOnce() {
        List<Integer> exits = new ArrayList<>();
        GracefulStop.Exit old = GracefulStop.exit;
        GracefulStop.exit = exits::add;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (GracefulStop stop = GracefulStop.install(new PrintStream(err, true))) {
            assertThat(GracefulStop.requested()).isFalse();
            GracefulStop.onSignal("TERM", 15, new PrintStream(err, true));
            assertThat(GracefulStop.requested()).isTrue();
            assertThat(GracefulStop.exitCode()).isEqualTo(143);
            assertThat(exits).isEmpty();
            GracefulStop.onSignal("TERM", 15, new PrintStream(err, true));
            assertThat(exits).containsExactly(143);
        } finally {
            GracefulStop.exit = old;
        }
        assertThat(GracefulStop.requested()).isFalse();
        assertThat(err.toString()).contains("finishing the current step").contains("second signal (SIGTERM): exiting at once");
    }
}
