package org.fewgen.cli;

/** Lets tests in other packages reach the CLI's package-private helpers. */
public final class FewgenCommandAccess {

    private FewgenCommandAccess() {
    }

    public static String describe(Throwable e) {
        return FewgenCommand.describe(e);
    }
}
