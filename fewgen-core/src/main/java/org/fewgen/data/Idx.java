package org.fewgen.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of the MNIST files (gzip-compressed or raw): a magic number
 * {@code 0x0000 TT DD} (TT = 0x08 for unsigned bytes, DD = number of dimensions), the dimension
 * sizes as big-endian ints, then the data.
 */
public final class Idx {

    /** An unsigned-byte IDX array: its dimensions and its data in row-major order. */
    public record UByteArray(int[] dims, byte[] data) {

        public int count() {
            return dims[0];
        }

        /** Elements per item (e.g. 28·28 for MNIST images, 1 for labels). */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }

        public int get(int flatIndex) {
            return data[flatIndex] & 0xff;
        }
    }

    private Idx() {
    }

    /** Reads an unsigned-byte IDX file; gzip is detected from the content, not the name. */
    public static UByteArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream din = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            int magic;
            try {
                magic = din.readInt();
            } catch (EOFException e) {
                throw new IOException(file + ": not an IDX file (shorter than its 4-byte magic number)");
            }
            int type = (magic >>> 8) & 0xff;
            int ndim = magic & 0xff;
            if ((magic >>> 16) != 0 || ndim < 1 || ndim > 4) {
                throw new IOException(String.format("%s: not an IDX file (magic number 0x%08x)", file, magic));
            }
            if (type != 0x08) {
                throw new IOException(String.format("%s: IDX element type 0x%02x is not unsigned byte (0x08)", file, type));
            }
            int[] dims = new int[ndim];
            long total = 1;
            for (int i = 0; i < ndim; i++) {
                try {
                    dims[i] = din.readInt();
                } catch (EOFException e) {
                    throw new IOException(file + ": truncated IDX header");
                }
                if (dims[i] < 0) {
                    throw new IOException(file + ": negative IDX dimension " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": IDX array of " + total + " bytes is too large");
            }
            byte[] data = new byte[(int) total];
            try {
                din.readFully(data);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated IDX file (expected " + total + " data bytes)");
            }
            return new UByteArray(dims, data);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        }
    }
}
