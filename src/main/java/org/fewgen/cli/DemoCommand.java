package org.fewgen.cli;

import picocli.CommandLine.Command;

/** The main job on a built-in default: a short Faster Projected GAN run on built-in data. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small Faster Projected GAN on a built-in procedural dataset (no download).")
public final class DemoCommand implements Runnable {

    @Override
    public void run() {
        throw new UnsupportedOperationException("demo is not built yet (issue 4)");
    }
}
