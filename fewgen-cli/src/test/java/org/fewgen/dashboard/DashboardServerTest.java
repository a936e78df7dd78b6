package org.fewgen.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.train.TinyRuns;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.TrainingRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardServerTest {

    @TempDir
    Path tmp;

    private DashboardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One raw HTTP/1.1 request, so that the path goes out exactly as written (no client-side normalising). */
    record Response(int status, String headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonObject json() {
            return JsonParser.parseString(text()).getAsJsonObject();
        }
    }

    private Response raw(String method, String target, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all;
            try (InputStream in = s.getInputStream()) {
                all = in.readAllBytes();
            }
            int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String head = new String(all, 0, split, StandardCharsets.ISO_8859_1);
            byte[] body = java.util.Arrays.copyOfRange(all, split + 4, all.length);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            int status = Integer.parseInt(head.split(" ")[1]);
            return new Response(status, head, body);
        }
    }

    private Response get(String target) throws IOException {
        return raw("GET", target, "127.0.0.1:" + server.port());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void apiShapesFilesAndPage() throws IOException {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        TrainingRun.Result gan = TinyRuns.train(TinyRuns.config(runs, 0.032));
        writeUaeFolders(runs);
        Files.copy(Path.of("docs/benchmarks-fewgen-3rounds-2026-11-26.json"), runs.resolve("bench.json"));
        // a reference run written in the same metrics format, nothing else, finished an hour ago
        Path ref = Files.createDirectories(runs.resolve("reference/projected-gan-conv"));
        Files.writeString(ref.resolve("metrics.jsonl"), "{\"kimg\":0.008,\"loss_G\":0.5,\"loss_D\":1.9,\"seconds\":2.0}\n"
                + "{\"kimg\":0.016,\"loss_G\":0.4,\"loss_D\":1.8,\"seconds\":4.0}\n");
        java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(ref.resolve("metrics.jsonl"), hourAgo);
        Files.setLastModifiedTime(ref, hourAgo);
        server = DashboardServer.start(runs, "127.0.0.1", 0);

        JsonObject list = get("/api/runs").json();
        assertThat(list.get("root").getAsString()).isEqualTo(runs.toAbsolutePath().normalize().toString());
        JsonArray all = list.getAsJsonArray("runs");
        List<String> kinds = new ArrayList<>();
        all.forEach(r -> kinds.add(r.getAsJsonObject().get("kind").getAsString()));
        assertThat(kinds).containsExactlyInAnyOrder("gan", "gan", "uae", "uae-compare", "bench");
        JsonObject reference = find(all, "reference/projected-gan-conv");
        assertThat(reference.get("status").getAsString()).isEqualTo("done");
        assertThat(reference.get("kimg").getAsDouble()).isEqualTo(0.016);
        String ganId = gan.runDir().getFileName().toString();
        JsonObject g = find(all, ganId);
        assertThat(g.get("status").getAsString()).isEqualTo("done");
        assertThat(g.get("generator").getAsString()).isEqualTo("dsc");
        assertThat(g.get("data").getAsString()).isEqualTo("builtin:shapes");
        assertThat(g.get("kimg").getAsDouble()).isEqualTo(0.032);
        assertThat(g.get("target_kimg").getAsDouble()).isEqualTo(0.032);
        assertThat(g.keySet()).contains("started", "duration_s", "train_seconds", "img_per_s", "updated");
        assertThat(find(all, "cmp").get("status").getAsString()).isIn("done", "running");
        assertThat(find(all, "cmp/runs/00000-uae-mnist-m10-linear").get("status").getAsString()).isEqualTo("done");
        assertThat(find(all, "bench.json").get("configurations").getAsInt()).isEqualTo(18);

        JsonObject run = get("/api/run?id=" + q(ganId)).json();
        assertThat(run.getAsJsonObject("config").getAsJsonObject("generator").get("resolution").getAsInt()).isEqualTo(64);
        assertThat(run.getAsJsonObject("provenance").get("pid").getAsLong()).isEqualTo(ProcessHandle.current().pid());
        JsonArray grids = run.getAsJsonArray("grids");
        assertThat(grids).hasSize(3); // init, 0.016, 0.032
        assertThat(grids.get(2).getAsJsonObject().get("file").getAsString()).isEqualTo(ganId + "/fakes_000000.032.png");
        JsonArray snaps = run.getAsJsonArray("snapshots");
        assertThat(snaps).hasSize(2);
        JsonObject newest = snaps.get(1).getAsJsonObject();
        assertThat(newest.get("resume").getAsString()).startsWith("fewgen gan train --resume ");
        assertThat(newest.get("generate").getAsString()).contains("--checkpoint ").contains("snapshot-000000.032.safetensors");
        assertThat(snaps.get(0).getAsJsonObject().has("resume")).isFalse();

        long size = Files.size(gan.metrics());
        JsonObject m = get("/api/metrics?id=" + q(ganId) + "&offset=0").json();
        assertThat(m.get("offset").getAsLong()).isEqualTo(size);
        JsonArray lines = m.getAsJsonArray("lines");
        assertThat(lines.get(0).getAsJsonObject().get("event").getAsString()).isEqualTo("start");
        assertThat(count(lines, "loss_G")).isEqualTo(8);
        JsonObject none = get("/api/metrics?id=" + q(ganId) + "&offset=" + size).json();
        assertThat(none.getAsJsonArray("lines")).isEmpty();
        assertThat(get("/api/metrics?id=" + q(ganId) + "&offset=" + (size + 100)).json().get("reset").getAsBoolean()).isTrue();

        JsonObject cmp = get("/api/run?id=cmp").json();
        assertThat(cmp.getAsJsonArray("results")).hasSize(2);
        assertThat(cmp.getAsJsonArray("examples").get(0).getAsJsonObject().get("file").getAsString()).isEqualTo("cmp/examples-m10.png");
        JsonObject bench = get("/api/run?id=bench.json").json();
        assertThat(bench.getAsJsonObject("bench").getAsJsonArray("configurations")).hasSize(18);

        Response png = get("/files/" + ganId + "/fakes_000000.032.png");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.headers()).containsIgnoringCase("Content-Type: image/png");
        assertThat(png.body()).isEqualTo(Files.readAllBytes(gan.lastFakes()));

        Response page = get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("/static/app.js").contains("uPlot.iife.min.js");
        assertThat(page.headers()).containsIgnoringCase("Content-Security-Policy: default-src 'self'");
        assertThat(get("/static/app.js").status()).isEqualTo(200);
        assertThat(get("/static/vendor/uPlot.iife.min.js").body().length).isGreaterThan(40_000);
        assertThat(raw("HEAD", "/api/runs", "localhost:" + server.port()).status()).isEqualTo(200);
    }

    @Test
    void refusesTraversalSymlinksAbsolutePathsWritesAndForeignHosts() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(outside.resolve("metrics.jsonl"), "{\"kimg\":1,\"loss_G\":1}\n");
        Files.writeString(root.resolve("ok.txt"), "fine");
        Files.writeString(root.resolve(".hidden.txt"), "hidden");
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("linkdir"), outside);
        Files.createDirectories(root.resolve("run"));
        Files.writeString(root.resolve("run/snapshot-000001.safetensors"), "weights");
        server = DashboardServer.start(root, "127.0.0.1", 0);

        assertThat(get("/files/ok.txt").text()).isEqualTo("fine");
        for (String bad : new String[] {
                "/files/../outside/secret.txt", "/files/%2e%2e/outside/secret.txt", "/files/%2E%2E%2Foutside%2Fsecret.txt",
                "/files/run/../../outside/secret.txt", "/files//" + outside.resolve("secret.txt"),
                "/files/" + outside.resolve("secret.txt"), "/files/link.txt", "/files/linkdir/secret.txt",
                "/files/.hidden.txt", "/files/run/snapshot-000001.safetensors", "/files/run", "/files/",
                "/files/ok.txt%00.png", "/files/..%5Coutside%5Csecret.txt",
                "/static/../../../outside/secret.txt", "/static/%2e%2e/%2e%2e/x.txt",
                "/api/run?id=" + q("../outside"), "/api/run?id=" + q(outside.toString()), "/api/run?id=linkdir",
                "/api/metrics?id=linkdir&offset=0", "/api/metrics?id=" + q("../outside") + "&offset=0", "/api/nothing",
                "/etc/passwd"}) {
            Response r = get(bad);
            assertThat(r.status()).as(bad).isIn(400, 403, 404);
            assertThat(r.text()).as(bad).doesNotContain("secret").doesNotContain("weights").doesNotContain("loss_G");
        }
        // the run list does not follow the symlinked folder out of the root
        assertThat(get("/api/runs").json().getAsJsonArray("runs")).isEmpty();
        assertThat(raw("POST", "/api/runs", "127.0.0.1:" + server.port()).status()).isEqualTo(405);
        assertThat(raw("PUT", "/files/ok.txt", "127.0.0.1:" + server.port()).status()).isEqualTo(405);
        assertThat(raw("DELETE", "/files/ok.txt", "127.0.0.1:" + server.port()).status()).isEqualTo(405);
        assertThat(Files.readString(root.resolve("ok.txt"))).isEqualTo("fine");
        // DNS rebinding: a page on another name that resolves to 127.0.0.1 gets nothing
        assertThat(raw("GET", "/api/runs", "evil.example:" + server.port()).status()).isEqualTo(403);
        assertThat(server.url()).startsWith("http://127.0.0.1:");

        SafePaths paths = new SafePaths(root);
        assertThat(paths.file("ok.txt")).isPresent();
        assertThat(paths.file("link.txt")).isEmpty();
        assertThat(paths.resolve("/etc")).isEmpty();
        assertThat(paths.resolve("C:/x")).isEmpty();
        assertThat(paths.resolve("a//b")).isEmpty();
    }

    @Test
    void liveUpdatesWhileATinyRunTrains() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        server = DashboardServer.start(runs, "127.0.0.1", 0);
        assertThat(get("/api/runs").json().getAsJsonArray("runs")).isEmpty();

        TrainConfig c = TinyRuns.config(runs, 0.064);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<TrainingRun.Result> training = CompletableFuture.supplyAsync(() -> {
            try {
                return TinyRuns.train(c, 20, release, 20); // holds after step 5 (20 images) until released
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            JsonObject r = waitFor(() -> {
                JsonArray a = get("/api/runs").json().getAsJsonArray("runs");
                return a.size() == 1 && a.get(0).getAsJsonObject().has("kimg")
                        && a.get(0).getAsJsonObject().get("kimg").getAsDouble() >= 0.02 ? a.get(0).getAsJsonObject() : null;
            });
            String id = r.get("id").getAsString();
            assertThat(r.get("status").getAsString()).isEqualTo("running");
            assertThat(r.get("target_kimg").getAsDouble()).isEqualTo(0.064);
            assertThat(r.has("eta_s")).isTrue();
            JsonObject first = get("/api/metrics?id=" + q(id) + "&offset=0").json();
            long offset = first.get("offset").getAsLong();
            int before = count(first.getAsJsonArray("lines"), "loss_G");
            int gridsBefore = get("/api/run?id=" + q(id)).json().getAsJsonArray("grids").size();
            assertThat(gridsBefore).isEqualTo(2); // init and 0.016

            release.countDown();
            JsonObject more = waitFor(() -> {
                JsonObject m = get("/api/metrics?id=" + q(id) + "&offset=" + offset).json();
                return count(m.getAsJsonArray("lines"), "loss_G") > 0 ? m : null;
            });
            assertThat(more.getAsJsonArray("lines").get(0).getAsJsonObject().get("step").getAsInt()).isGreaterThan(before);
            waitFor(() -> get("/api/run?id=" + q(id)).json().getAsJsonArray("grids").size() > gridsBefore ? true : null);

            training.get(60, TimeUnit.SECONDS);
            JsonObject done = get("/api/run?id=" + q(id)).json();
            assertThat(done.get("status").getAsString()).isEqualTo("done");
            assertThat(done.has("eta_s")).isFalse();
            assertThat(done.getAsJsonArray("grids")).hasSize(5);
            assertThat(done.get("kimg").getAsDouble()).isEqualTo(0.064);
        } finally {
            release.countDown();
            training.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void failedAndStoppedRunsAreToldApart() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        TrainConfig c = TinyRuns.config(runs, 0.032);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TinyRuns.train(c, nimg -> {
            if (nimg >= 12) {
                throw new IllegalStateException("disk full (test)");
            }
        })).hasMessageContaining("disk full");
        // a run whose process is gone without an end event: killed
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path killed = Files.createDirectories(runs.resolve("00009-fastgan-conv-shapes-16"));
        Files.writeString(killed.resolve("config.json"), "{\"config\":{\"data\":\"builtin:shapes\",\"generator\":\"CONV\",\"kimg\":1.0},"
                + "\"provenance\":{\"started\":\"" + java.time.Instant.now() + "\",\"pid\":" + gone.pid() + ",\"host\":\""
                + RunIndex.hostName() + "\"}}");
        Files.writeString(killed.resolve("metrics.jsonl"), "{\"event\":\"start\"}\n{\"kimg\":0.008,\"step\":1,\"loss_G\":1,\"seconds\":1}\n"
                + "{\"kimg\":0.016,\"step\":2,\"loss_G\":1,\"seconds\":2}\n");
        server = DashboardServer.start(runs, "127.0.0.1", 0);
        JsonArray all = get("/api/runs").json().getAsJsonArray("runs");
        JsonObject failed = find(all, "00000-fastgan-dsc-shapes-64");
        assertThat(failed.get("status").getAsString()).isEqualTo("failed");
        assertThat(failed.get("error").getAsString()).contains("disk full");
        JsonObject stopped = find(all, "00009-fastgan-conv-shapes-16");
        assertThat(stopped.get("status").getAsString()).isEqualTo("stopped");
        assertThat(stopped.has("eta_s")).isFalse();
        assertThat(stopped.get("target_kimg").getAsDouble()).isEqualTo(1.0);
        JsonObject detail = get("/api/run?id=00009-fastgan-conv-shapes-16").json();
        assertThat(detail.get("generator").getAsString()).isEqualTo("conv");
        // a flat config.json of an earlier version is sent in the nested form
        assertThat(detail.getAsJsonObject("config").getAsJsonObject("generator").get("conv").getAsString()).isEqualTo("CONV");
        assertThat(detail.getAsJsonObject("config").getAsJsonObject("run").get("data").getAsString())
                .isEqualTo("builtin:shapes");
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    static <T> T waitFor(Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within 30 s");
    }

    private static JsonObject find(JsonArray runs, String id) {
        for (JsonElement e : runs) {
            if (e.getAsJsonObject().get("id").getAsString().equals(id)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no run " + id + " in " + runs);
    }

    private static int count(JsonArray lines, String key) {
        int n = 0;
        for (JsonElement e : lines) {
            if (e.getAsJsonObject().has(key)) {
                n++;
            }
        }
        return n;
    }

    /** A finished UAE comparison with one UAE run below it, as {@code fewgen cs compare} leaves them. */
    static void writeUaeFolders(Path runs) throws IOException {
        Path cmp = Files.createDirectories(runs.resolve("cmp"));
        Files.writeString(cmp.resolve("results.json"), "[{\"method\":\"uae\",\"measurements\":10,\"l2_mean\":4.1,"
                + "\"l2_stderr\":0.05,\"test_images\":100},{\"method\":\"pca-linear\",\"measurements\":10,\"l2_mean\":5.2,"
                + "\"l2_stderr\":0.06,\"test_images\":100}]\n");
        Files.write(cmp.resolve("examples-m10.png"), tinyPng());
        Files.write(cmp.resolve("error-vs-m.png"), tinyPng());
        Path uae = Files.createDirectories(cmp.resolve("runs/00000-uae-mnist-m10-linear"));
        Files.writeString(uae.resolve("config.json"), "{\"data\":\"mnist\",\"measurements\":10,\"encoder\":\"linear\",\"epochs\":2}\n");
        Files.writeString(uae.resolve("metrics.jsonl"), "{\"epoch\":1,\"train_loss\":30.1,\"valid_l2\":5.0,\"best_epoch\":1,\"seconds\":1.0}\n"
                + "{\"epoch\":2,\"train_loss\":25.3,\"valid_l2\":4.5,\"best_epoch\":2,\"seconds\":2.0}\n");
        Files.writeString(uae.resolve("summary.json"), "{\"best_epoch\":2}\n");
        Files.write(uae.resolve("reconstructions.png"), tinyPng());
    }

    static byte[] tinyPng() throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no end of headers");
    }

    private static byte[] dechunk(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int eol = i;
            while (body[eol] != '\r') {
                eol++;
            }
            int n = Integer.parseInt(new String(body, i, eol - i, StandardCharsets.ISO_8859_1).trim(), 16);
            if (n == 0) {
                break;
            }
            out.write(body, eol + 2, n);
            i = eol + 2 + n + 2;
        }
        return out.toByteArray();
    }
}
