package org.fewgen.cs;

import ai.djl.ndarray.NDManager;
import org.fewgen.TestEnv;
import org.fewgen.io.SafeTensors;
import org.fewgen.util.GracefulStop;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** UAE outputs and runs: λ search, plot axis and title, folder names, epochs, graceful stop. */
class CsReliabilityTest {

    @TempDir
    Path tmp;

    @Test
    void lambdaSearchExtendsPastTheGridWhileTheBestSitsAtAnEdge() {
        List<Double> tried = new ArrayList<>();
        // validation error still falling at the grid's top (λ = 1): its minimum is at 30
        double best = MethodFits.chooseLambda(MethodFits.LAMBDA_GRID, l -> {
            tried.add(l);
            return Math.pow(Math.log10(l) - Math.log10(30), 2);
        });
        assertThat(best).isBetween(10.0, 100.0);
        assertThat(tried.stream().mapToDouble(d -> d).max().orElseThrow()).isGreaterThan(best);
        // and downwards when the smallest λ is best
        double low = MethodFits.chooseLambda(MethodFits.LAMBDA_GRID, l -> Math.abs(Math.log10(l) + 6));
        assertThat(low).isBetween(3e-7, 3e-6);
        // an interior minimum keeps the grid as it is
        List<Double> plain = new ArrayList<>();
        assertThat(MethodFits.chooseLambda(MethodFits.LAMBDA_GRID, l -> {
            plain.add(l);
            return Math.abs(Math.log10(l) + 2);
        })).isEqualTo(1e-2);
        assertThat(plain).hasSize(MethodFits.LAMBDA_GRID.length);
    }

    @Test
    void everyMeasurementCountHasAReadableTick() {
        LogAxis axis = CsCharts.measurementAxis(new TreeSet<>(List.of(2, 5, 10, 25, 50, 100)));
        Graphics2D g = new BufferedImage(900, 600, BufferedImage.TYPE_INT_RGB).createGraphics();
        List<?> ticks = axis.refreshTicks(g, new AxisState(), new Rectangle2D.Double(50, 50, 800, 500), RectangleEdge.BOTTOM);
        List<String> labels = ticks.stream().map(t -> ((Tick) t).getText()).toList();
        assertThat(labels).containsExactly("2", "5", "10", "25", "50", "100");
        assertThat(axis.getLowerBound()).isLessThan(2);
        assertThat(axis.getUpperBound()).isGreaterThan(100);
    }

    @Test
    void plotTitlesAndRunFoldersNameTheDataAsGiven() {
        UaeConfig c = new UaeConfig("/home/me/data/fashion-idx/", 25, 0.1f, "linear", new int[0], new int[] {32}, 1, 50,
                1e-3f, 0f, 0f, 1L, "", 0);
        assertThat(UaeRun.describe("uae", c)).isEqualTo("uae-fashion-idx-m25-linear");
        Compare.Settings s = new Compare.Settings(List.of(5), List.of("pca-linear"), c, 1, 20, 100, 5, 2, 5, false, tmp,
                tmp.resolve("runs"), false);
        CsData fake = new CsData("mnist", 2, new float[4], new int[1], new float[4], new int[1], new float[4], new int[1]);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThat(new Compare(s, fake, manager, System.out).plotTitle()).contains("/home/me/data/fashion-idx/")
                    .doesNotContain("mnist");
        }
    }

    @Test
    void aSignalDuringCompareStopsBeforeTheNextMethodAndSaysHowToContinue() throws Exception {
        UaeConfig base = new UaeConfig("mnist", 1, 0.1f, "linear", new int[0], new int[] {32}, 1, 50, 1e-3f, 0f, 0f, 1L,
                "", 0);
        Compare.Settings s = new Compare.Settings(List.of(5), List.of("pca-linear"), base, 1, 20, 100, 5, 2, 5, false,
                tmp, tmp.resolve("runs"), false);
        CsData small = CsData.loadMnist(TestEnv.mnist()).limit(200, 20, 20);
        try (GracefulStop stop = GracefulStop.install(System.err); NDManager manager = NDManager.newBaseManager("PyTorch")) {
            sun.misc.Signal.raise(new sun.misc.Signal("TERM")); // handled by the stop handler, not the JVM's default
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!GracefulStop.requested() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Compare c = new Compare(s, small, manager, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            assertThatThrownBy(c::run).isInstanceOfSatisfying(GracefulStop.Stopped.class,
                            e -> assertThat(e.exitCode()).isEqualTo(143))
                    .hasMessageContaining("stopped before pca-linear m=5 on SIGTERM")
                    .hasMessageContaining("Continue with the same fewgen cs compare command");
        }
        assertThat(tmp.resolve(org.fewgen.io.RunLock.FILE)).doesNotExist();
        assertThat(tmp.resolve("results.json")).doesNotExist();
    }

    @Test
    void zeroEpochsAreRefused() {
        assertThatThrownBy(() -> new UaeConfig("mnist", 25, 0.1f, "linear", new int[0], new int[] {32}, 0, 50, 1e-3f, 0f,
                0f, 1L, "", 0)).hasMessage("epochs 0: must be at least 1");
    }

    @Test
    void aStopRequestWritesACheckpointInTheEpochAndResumeFinishesTheRun() throws IOException {
        CsData small = CsData.loadMnist(TestEnv.mnist()).limit(1000, 100, 50);
        UaeConfig c = new UaeConfig("mnist", 10, 0.1f, "linear", new int[0], new int[] {32}, 2, 50, 1e-3f, 0f, 0f, 4L,
                "", 0);
        Path run = Files.createDirectories(tmp.resolve("run"));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeTrainer t = new UaeTrainer(c, small, UaeRun.build(manager, c, 784, null), run, null);
            AtomicInteger checks = new AtomicInteger();
            t.setStopRequested(() -> checks.incrementAndGet() >= 5);
            assertThatThrownBy(t::train).isInstanceOf(GracefulStop.Stopped.class)
                    .hasMessageContaining("stopped in epoch 1 after step 5 of 20")
                    .hasMessageContaining("Resume with: fewgen cs train --resume " + run);
        }
        assertThat(SafeTensors.readMetadata(run.resolve("checkpoint.safetensors")))
                .containsEntry("epoch", "0").containsEntry("step_in_epoch", "5");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            UaeTrainer t = new UaeTrainer(c, small, UaeRun.build(manager, c, 784, null), run, null);
            t.resume(run.resolve("checkpoint.safetensors"));
            UaeTrainer.Outcome o = t.train();
            assertThat(o.epochsRun()).isEqualTo(2);
        }
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
    }
}
