package org.fewgen.cli;

import picocli.CommandLine;

/** Reports the fewgen, DJL and Java versions. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = FewgenCommand.class.getPackage().getImplementationVersion();
        return new String[] {"fewgen " + (v == null ? "dev" : v), "DJL 0.35.1, PyTorch 2.7.1",
                "Java " + System.getProperty("java.version")};
    }
}
