package org.fewgen.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** Opens {@link DemoCommand}'s package-private FID summary to tests in other packages. */
public final class DemoCommandAccess {

    private DemoCommandAccess() {
    }

    public static void printFid(Path metrics, String name, PrintStream out) throws IOException {
        DemoCommand.printFid(metrics, name, out);
    }
}
