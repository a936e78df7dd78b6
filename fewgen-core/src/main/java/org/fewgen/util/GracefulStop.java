package org.fewgen.util;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;

/**
 * SIGINT and SIGTERM during training: the first asks the training loop to finish its step, write
 * a snapshot and stop ({@link #requested()}); a second exits at once. Without this the JVM dies on
 * the first signal and everything since the last snapshot (up to many minutes) is lost.
 */
public final class GracefulStop implements AutoCloseable {

    /** Thrown by a training loop that stopped on request after saving its state. */
    public static final class Stopped extends RuntimeException {
        private final int exitCode;

        public Stopped(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        /** 128 + the signal number, as a shell reports a process ended by that signal. */
        public int exitCode() {
            return exitCode;
        }
    }

    /** What a second signal does; tests replace it. */
    interface Exit {
        void exit(int code);
    }

    private static volatile String signal;
    private static volatile int signalNumber;
    static Exit exit = code -> Runtime.getRuntime().halt(code);

    private final PrintStream err;
    private final SignalHandler oldInt;
    private final SignalHandler oldTerm;

    private GracefulStop(PrintStream err) {
        this.err = err;
        signal = null;
        signalNumber = 0;
        oldInt = install("INT");
        oldTerm = install("TERM");
    }

    /** Installs the handlers until {@link #close()}, which restores the previous ones. */
    public static GracefulStop install(PrintStream err) {
        return new GracefulStop(err);
    }

    private SignalHandler install(String name) {
        try {
            return Signal.handle(new Signal(name), s -> onSignal(s.getName(), s.getNumber(), err));
        } catch (IllegalArgumentException e) {
            return null; // the JVM reserves this signal here (-Xrs): keep its default
        }
    }

    static void onSignal(String name, int number, PrintStream err) {
        if (signal != null) {
            err.println("fewgen: second signal (SIG" + name + "): exiting at once; work since the last snapshot is lost");
            err.flush();
            exit.exit(128 + number);
            return;
        }
        signalNumber = number;
        signal = name;
        err.println("fewgen: SIG" + name + ": finishing the current step and writing a snapshot; send it again to exit"
                + " at once");
        err.flush();
    }

    /** Whether a stop was asked for since {@link #install}. */
    public static boolean requested() {
        return signal != null;
    }

    /** The exit status for the stop asked for: 130 for SIGINT, 143 for SIGTERM. */
    public static int exitCode() {
        return 128 + signalNumber;
    }

    /** {@code SIGINT} or {@code SIGTERM}. */
    public static String signalName() {
        return signal == null ? "none" : "SIG" + signal;
    }

    @Override
    public void close() {
        if (oldInt != null) {
            Signal.handle(new Signal("INT"), oldInt);
        }
        if (oldTerm != null) {
            Signal.handle(new Signal("TERM"), oldTerm);
        }
        signal = null;
    }
}
