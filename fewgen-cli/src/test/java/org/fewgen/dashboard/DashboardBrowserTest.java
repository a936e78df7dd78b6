package org.fewgen.dashboard;

import org.fewgen.train.TinyRuns;
import org.fewgen.train.TrainConfig;
import org.fewgen.train.TrainingRun;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End to end in a real headless browser: the dashboard of a run that is being trained shows its
 * charts, and a new sample grid appears without a reload. Saves screenshots (desktop, light; phone,
 * dark) to {@code target/dashboard-screenshots/}; {@code docs/dashboard.png} is one of them.
 *
 * <p>Needs Chromium ({@code apt-get install chromium}; {@code .ci/run} installs it). On CI
 * ({@code CI=true}) a missing browser fails the test; elsewhere the test is skipped with a message.
 */
class DashboardBrowserTest {

    @TempDir
    Path tmp;

    @Test
    void liveRunPageShowsChartsAndANewGridWithoutReload() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            String msg = "DashboardBrowserTest needs Chromium on PATH (Debian: apt-get install -y chromium; .ci/run installs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + ": CI=true, so a missing browser is a failure, not a skip");
            }
            System.err.println("SKIPPED: " + msg);
            Assumptions.abort(msg);
        }
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Path shots = Path.of("target", "dashboard-screenshots");
        TrainConfig c = TinyRuns.config(runs, 0.064);
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        CompletableFuture<TrainingRun.Result> training = CompletableFuture.supplyAsync(() -> {
            try {
                return TinyRuns.train(c, nimg -> {
                    try {
                        // hold after the first grid (0.016 kimg), then after the third (0.048 kimg)
                        if (nimg >= 20) {
                            first.await(90, TimeUnit.SECONDS);
                        }
                        if (nimg >= 52) {
                            second.await(90, TimeUnit.SECONDS);
                        }
                        Thread.sleep(30);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (DashboardServer server = DashboardServer.start(runs, "127.0.0.1", 0)) {
            String id = DashboardServerTest.waitFor(() -> {
                try (var s = Files.list(runs)) {
                    Optional<Path> run = s.filter(p -> Files.exists(p.resolve("fakes_000000.016.png"))).findFirst();
                    return run.map(p -> p.getFileName().toString()).orElse(null);
                }
            });
            try (HeadlessChromium browser = new HeadlessChromium(chromium.get(), tmp.resolve("profile"), 1280, 1600)) {
                browser.emulate(1280, 1600, 1, false, "light");
                // the run list first: the run is listed as running
                browser.navigate(server.url());
                browser.waitUntil("[...document.querySelectorAll('.badge.running')].length === 1", 30, "the running run in the list");
                browser.navigate(server.url() + "#/run?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                browser.waitUntil("document.querySelectorAll('#charts canvas').length >= 5", 30, "five charts");
                browser.waitUntil("document.getElementById('newest-grid').dataset.kimg === '0.016'"
                        + " && document.getElementById('newest-grid').naturalWidth > 0", 30, "the first grid");
                String urlBefore = browser.eval("location.href").getAsString();
                browser.eval("window.__noReload = 1");

                first.countDown();
                browser.waitUntil("document.getElementById('newest-grid').dataset.kimg === '0.048'"
                        + " && document.getElementById('newest-grid').complete"
                        + " && document.getElementById('newest-grid').naturalWidth > 0", 30, "a new grid (kimg 0.048)");
                browser.waitUntil("/ETA/.test(document.getElementById('run-status').textContent)", 30, "the ETA");
                assertThat(browser.eval("window.__noReload").getAsInt()).as("no page reload").isEqualTo(1);
                assertThat(browser.eval("location.href").getAsString()).isEqualTo(urlBefore);
                assertThat(browser.eval("document.getElementById('grid-slider').max").getAsString()).isEqualTo("3");
                assertThat(browser.eval("[...document.querySelectorAll('.u-axis')].length").getAsInt())
                        .isGreaterThanOrEqualTo(10);
                assertThat(browser.eval("[...document.querySelectorAll('figure.chart')].map(f => f.getAttribute('aria-label')).join('|')")
                        .getAsString()).contains("loss against kimg", "mean logit against kimg", "images / s against kimg",
                        "MiB against kimg", "FID against kimg");
                assertThat(browser.eval("document.body.innerText").getAsString()).contains("snapshot-000000.048.safetensors");
                Thread.sleep(300); // let the charts finish drawing
                browser.screenshot(shots.resolve("dashboard.png"));

                browser.emulate(390, 844, 2, true, "dark");
                browser.waitUntil("document.querySelectorAll('#charts canvas').length >= 5", 30, "charts in the dark theme");
                assertThat(browser.eval("getComputedStyle(document.body).backgroundColor").getAsString())
                        .isEqualTo("rgb(15, 18, 22)");
                Thread.sleep(300);
                browser.screenshot(shots.resolve("dashboard-phone-dark.png"));

                second.countDown();
                browser.waitUntil("document.querySelector('h1 .badge').textContent === 'done'", 30,
                        "the run turning done without reload");
                assertThat(browser.eval("window.__noReload").getAsInt()).isEqualTo(1);

                // the other pages render: UAE comparison and run, benchmark, compare
                browser.emulate(1280, 1600, 1, false, "light");
                DashboardServerTest.writeUaeFolders(runs);
                Files.copy(Path.of("docs/benchmarks-fewgen-3rounds-2026-11-26.json"), runs.resolve("bench.json"));
                browser.navigate(server.url() + "#/run?id=cmp");
                browser.waitUntil("document.querySelector('canvas') && document.body.innerText.includes('pca-linear')"
                        + " && document.body.innerText.includes('Example reconstructions')", 30, "the UAE comparison");
                browser.navigate(server.url() + "#/run?id=" + URLEncoder.encode("cmp/runs/00000-uae-mnist-m10-linear", StandardCharsets.UTF_8));
                browser.waitUntil("document.querySelector('canvas') && document.body.innerText.includes('Reconstructions')", 30, "the UAE run");
                browser.navigate(server.url() + "#/run?id=bench.json");
                browser.waitUntil("document.querySelectorAll('.stack').length === 18 && document.body.innerText.includes('dsc over conv')",
                        30, "the benchmark's table and phase split");
                browser.navigate(server.url() + "#/compare?run=" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                        + "&run=" + URLEncoder.encode("cmp/runs/00000-uae-mnist-m10-linear", StandardCharsets.UTF_8));
                browser.waitUntil("document.querySelectorAll('#compare-charts canvas').length >= 4", 30, "the comparison's charts");
                browser.navigate(server.url());
                browser.waitUntil("document.querySelectorAll('tbody tr').length === 4", 30, "four runs in the list");
                assertThat(browser.exceptions()).as("JavaScript exceptions").isEmpty();
            }
        } finally {
            first.countDown();
            second.countDown();
            training.get(90, TimeUnit.SECONDS);
        }
        BufferedImage shot = ImageIO.read(shots.resolve("dashboard.png").toFile());
        assertThat(shot.getWidth()).isEqualTo(1280);
        assertThat(ImageIO.read(shots.resolve("dashboard-phone-dark.png").toFile()).getWidth()).isEqualTo(780);
    }
}
