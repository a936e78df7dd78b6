package org.fewgen.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lock of a run folder, held for the run's life: a file {@code .lock} naming the holder's pid
 * and host, locked with an OS file lock. Two writers of one folder interleave metrics lines and
 * overwrite each other's snapshots, so a second writer fails at once, naming the holder. The OS
 * lock ends with its process however it dies (SIGKILL too), so a lock file left by a dead process
 * is taken over with a warning; on the same host, a recorded pid that is still alive is honoured
 * even when the OS lock was granted (file systems where locks are no-ops).
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = ".lock";

    private static final Pattern HOLDER = Pattern.compile("^pid (\\d+) on host (\\S+)");

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param warnings receives one line when a stale lock is taken over
     * @throws IllegalStateException when another live process holds the folder
     */
    public static RunLock acquire(Path dir, Consumer<String> warnings) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            String holder = read(ch);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process (another run in the same JVM)
            }
            if (lock == null) {
                throw new IllegalStateException("run folder " + dir + " is in use by "
                        + (holder.isEmpty() ? "another process" : holder) + " (lock file " + file
                        + "); wait for it to end or stop it first");
            }
            Matcher m = HOLDER.matcher(holder);
            if (m.find()) {
                long pid = Long.parseLong(m.group(1));
                boolean sameHost = m.group(2).equals(host());
                boolean self = sameHost && pid == ProcessHandle.current().pid();
                boolean alive = sameHost && !self && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (alive) {
                    lock.release();
                    throw new IllegalStateException("run folder " + dir + " is in use by " + holder + " (lock file "
                            + file + "); wait for it to end or stop it first");
                }
                warnings.accept("warning: taking over the stale lock of " + holder + " in " + file + " ("
                        + (sameHost ? "that process is no longer running" : "another host; its OS lock is gone") + ")");
            }
            String me = "pid " + ProcessHandle.current().pid() + " on host " + host() + " since " + Instant.now() + "\n";
            ch.truncate(0);
            ByteBuffer buf = ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8));
            long pos = 0;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
            ch.force(false);
            return new RunLock(file, ch, lock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    }

    /** This machine's host name as run folders record it (lock files, provenance). */
    public static String host() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /**
     * Deletes the {@code .*.tmp} files that {@link AtomicFiles} leaves when a process is killed
     * mid-write. Only safe while holding the folder's lock: another writer's temporary file would
     * otherwise vanish under it.
     *
     * @return the files removed
     */
    public List<Path> removeLeftoverTemporaryFiles() throws IOException {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> s = Files.list(file.getParent())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    removed.add(p);
                }
            }
        }
        return removed;
    }

    public Path file() {
        return file;
    }

    /** Removes the lock file, then releases the OS lock. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
