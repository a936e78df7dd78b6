package org.fewgen.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A pinned npm package: its tarball is fetched from the npm registry by name and version, accepted
 * only with the expected SHA-256, and kept in a cache folder so that later uses are offline.
 * fewgen takes data (OpenMoji's SVGs) and pretrained weights (nsfwjs) from npm because the
 * registry serves immutable, versioned, checksummed archives with a stated licence.
 *
 * @param name the unscoped package name, e.g. {@code nsfwjs}
 * @param version the exact version, e.g. {@code 4.4.0}
 * @param sha256 the tarball's SHA-256, lower-case hex
 */
public record NpmPackage(String name, String version, String sha256) {

    /** The public registry; {@code $FEWGEN_NPM_REGISTRY} replaces it (a mirror). */
    public static final String REGISTRY = "https://registry.npmjs.org";

    /** {@code name@version}, as npm writes it. */
    public String id() {
        return name + "@" + version;
    }

    /** The tarball's file name in the registry and in the cache. */
    public String fileName() {
        return name + "-" + version + ".tgz";
    }

    /** The tarball's address in a registry. */
    public URI url(String registry) {
        String base = registry.endsWith("/") ? registry.substring(0, registry.length() - 1) : registry;
        return URI.create(base + "/" + name + "/-/" + fileName());
    }

    /** The cache root: {@code $FEWGEN_CACHE}, else {@code ~/.cache/fewgen}. */
    public static Path defaultCacheRoot() {
        String env = System.getenv("FEWGEN_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "fewgen");
    }

    /** Where {@link #fetch} keeps the tarball under a cache root. */
    public Path cachedTarball(Path cacheRoot) {
        return cacheRoot.resolve("npm").resolve(fileName());
    }

    /**
     * The tarball in the cache under {@code cacheRoot}, downloaded first when it is not there (or
     * when the cached copy has the wrong hash).
     *
     * @param log one-line notices (a download, a replaced cache entry)
     * @throws IOException when the download fails or its SHA-256 differs (the tarball is refused, not kept)
     */
    public Path fetch(Path cacheRoot, Consumer<String> log) throws IOException {
        String env = System.getenv("FEWGEN_NPM_REGISTRY");
        return fetch(cacheRoot, env != null && !env.isBlank() ? env : REGISTRY, log);
    }

    /** {@link #fetch(Path, Consumer)} from a given registry. */
    public Path fetch(Path cacheRoot, String registry, Consumer<String> log) throws IOException {
        Path target = cachedTarball(cacheRoot);
        if (Files.isRegularFile(target)) {
            String have = sha256(target);
            if (have.equals(sha256)) {
                return target;
            }
            log.accept("cached " + target + " has sha256 " + have + ", not " + sha256 + "; downloading it again");
        }
        Files.createDirectories(target.getParent());
        URI url = url(registry);
        log.accept("downloading " + id() + " from " + url);
        Path tmp = Files.createTempFile(target.getParent(), "." + fileName() + ".", ".part");
        try {
            // the JVM's proxy settings (https.proxyHost, ...) apply, as they would for Maven's own downloads
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .proxy(java.net.ProxySelector.getDefault()).connectTimeout(Duration.ofSeconds(30)).build();
            HttpResponse<Path> response;
            try {
                response = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofFile(tmp));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("download of " + id() + " from " + url + " was interrupted", e);
            } catch (IOException e) {
                throw new IOException("could not download " + id() + " from " + url + ": " + e, e);
            }
            if (response.statusCode() != 200) {
                throw new IOException("could not download " + id() + " from " + url + ": HTTP " + response.statusCode());
            }
            String got = sha256(tmp);
            if (!got.equals(sha256)) {
                throw new IOException("npm package " + id() + " from " + url + " has sha256 " + got
                        + ", expected " + sha256 + "; refused");
            }
            // temp files are created private (0600); a cache entry is an ordinary shareable file
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A file of the package, as its path inside the package (without npm's {@code package/} folder). */
    @FunctionalInterface
    public interface EntryVisitor {
        void accept(String path, byte[] content) throws IOException;
    }

    /**
     * Calls {@code visitor} for each regular file of a package tarball whose path (without the
     * leading {@code package/}) {@code wanted} accepts, in archive order.
     */
    public static void read(Path tarball, Predicate<String> wanted, EntryVisitor visitor) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            readTar(in, wanted, visitor, tarball.toString());
        }
    }

    /** The files {@code wanted} accepts, by path, in archive order. */
    public static Map<String, byte[]> readAll(Path tarball, Predicate<String> wanted) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        read(tarball, wanted, files::put);
        return files;
    }

    // npm writes plain ustar archives; a pax header ('x') may carry a long path. Nothing else is needed.
    static void readTar(InputStream in, Predicate<String> wanted, EntryVisitor visitor, String what) throws IOException {
        byte[] header = new byte[512];
        String paxPath = null;
        while (true) {
            if (in.readNBytes(header, 0, 512) < 512) {
                throw new IOException(what + ": truncated tar archive");
            }
            if (allZero(header)) {
                return;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            long size = octal(header, 124, 12, what);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'x' || type == 'g') {
                byte[] pax = readN(in, padded, what);
                if (type == 'x') {
                    paxPath = paxValue(new String(pax, 0, (int) size, StandardCharsets.UTF_8), "path");
                }
                continue;
            }
            String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
            paxPath = null;
            if (path.startsWith("package/")) {
                path = path.substring("package/".length());
            }
            boolean regular = type == '0' || type == 0;
            if (regular && wanted.test(path)) {
                byte[] content = readN(in, padded, what);
                visitor.accept(path, size == padded ? content : java.util.Arrays.copyOf(content, (int) size));
            } else {
                in.skipNBytes(padded);
            }
        }
    }

    private static byte[] readN(InputStream in, long n, String what) throws IOException {
        if (n > Integer.MAX_VALUE - 16) {
            throw new IOException(what + ": tar entry of " + n + " bytes is too large");
        }
        byte[] b = in.readNBytes((int) n);
        if (b.length < n) {
            throw new IOException(what + ": truncated tar archive");
        }
        return b;
    }

    private static String paxValue(String records, String key) {
        for (String line : records.split("\n")) {
            int sp = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (sp > 0 && eq > sp && line.substring(sp + 1, eq).equals(key)) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len, String what) throws IOException {
        String s = field(h, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(what + ": bad tar header (size field '" + s + "')");
        }
    }

    /** The SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
