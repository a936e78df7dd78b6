package org.fewgen.examples;

import org.fewgen.Fid;

import java.nio.file.Path;

/** FID of two image folders: {@code FolderFid REAL FAKE}. */
public final class FolderFid {

    private FolderFid() {
    }

    public static void main(String[] args) {
        double fid = Fid.between(Path.of(args[0]), Path.of(args[1]));
        System.out.printf("FID %.3f%n", fid);
    }
}
