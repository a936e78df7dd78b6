package org.fewgen.io;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fetching against a registry on localhost: no network needed. */
class NpmPackageTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private volatile byte[] served;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/demo/-/demo-1.0.0.tgz", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, served.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(served);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String registry() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A gzipped ustar archive as npm packs it: everything under package/, one path in a pax header. */
    static byte[] tarball(Map<String, String> files, String longPath, String longContent) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : files.entrySet()) {
            entry(raw, "package/" + f.getKey(), '0', f.getValue().getBytes(StandardCharsets.UTF_8));
        }
        String record = "path=package/" + longPath + "\n";
        int len = record.length() + 2;
        while (len != String.valueOf(len).length() + 1 + record.length()) {
            len++;
        }
        String pax = len + " " + record;
        entry(raw, "PaxHeader", 'x', pax.getBytes(StandardCharsets.UTF_8));
        entry(raw, "package/truncated-name", '0', longContent.getBytes(StandardCharsets.UTF_8));
        raw.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            raw.writeTo(out);
        }
        return gz.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, String name, char type, byte[] content) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o", content.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = (byte) type;
        out.write(h);
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
    }

    @Test
    void readsThePackageFilesOfAnNpmTarball() throws Exception {
        String longPath = "dist/" + "x".repeat(120) + "/model.js";
        Path tgz = tmp.resolve("p.tgz");
        Files.write(tgz, tarball(Map.of("package.json", "{}", "dist/a.svg", "<svg/>"), longPath, "long"));
        Map<String, byte[]> all = NpmPackage.readAll(tgz, p -> true);
        assertThat(all.keySet()).containsExactlyInAnyOrder("package.json", "dist/a.svg", longPath);
        assertThat(new String(all.get("dist/a.svg"), StandardCharsets.UTF_8)).isEqualTo("<svg/>");
        assertThat(new String(all.get(longPath), StandardCharsets.UTF_8)).isEqualTo("long");
        List<String> svgs = new ArrayList<>();
        NpmPackage.read(tgz, p -> p.endsWith(".svg"), (p, b) -> svgs.add(p));
        assertThat(svgs).containsExactly("dist/a.svg");
    }

    @Test
    void downloadsOnceVerifiesAndCaches() throws Exception {
        served = tarball(Map.of("package.json", "{}"), "dist/long.txt", "x");
        NpmPackage pkg = new NpmPackage("demo", "1.0.0", sha256(served));
        List<String> log = new ArrayList<>();
        Path first = pkg.fetch(tmp, registry(), log::add);
        assertThat(first).isEqualTo(tmp.resolve("npm/demo-1.0.0.tgz"));
        assertThat(Files.readAllBytes(first)).isEqualTo(served);
        assertThat(pkg.fetch(tmp, registry(), log::add)).isEqualTo(first);
        assertThat(requests.get()).as("the second fetch uses the cache").isEqualTo(1);

        Files.write(first, new byte[] {1, 2, 3});
        assertThat(pkg.fetch(tmp, registry(), log::add)).isEqualTo(first);
        assertThat(Files.readAllBytes(first)).as("a damaged cache entry is downloaded again").isEqualTo(served);
        assertThat(log).anyMatch(l -> l.contains("downloading it again"));
    }

    @Test
    void refusesATarballWithTheWrongChecksumInOneLine() throws Exception {
        served = "not the package".getBytes(StandardCharsets.UTF_8);
        NpmPackage pkg = new NpmPackage("demo", "1.0.0", "00".repeat(32));
        assertThatThrownBy(() -> pkg.fetch(tmp, registry(), l -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("npm package demo@1.0.0")
                .hasMessageContaining("has sha256 " + sha256(served))
                .hasMessageContaining("expected " + "00".repeat(32))
                .hasMessageEndingWith("refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        try (var left = Files.list(tmp.resolve("npm"))) {
            assertThat(left).as("nothing refused is kept").isEmpty();
        }
    }

    @Test
    void saysWhichPackageCouldNotBeDownloaded() {
        NpmPackage pkg = new NpmPackage("missing", "1.0.0", "00".repeat(32));
        assertThatThrownBy(() -> pkg.fetch(tmp, registry(), l -> { }))
                .hasMessageStartingWith("could not download missing@1.0.0 from " + registry())
                .hasMessageEndingWith("HTTP 404");
    }
}
