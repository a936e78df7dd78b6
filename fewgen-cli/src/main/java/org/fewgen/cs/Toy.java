package org.fewgen.cs;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.fewgen.io.AtomicFiles;
import org.fewgen.nn.Linear;
import org.fewgen.nn.Sequential;
import org.fewgen.nn.Tensors;
import org.fewgen.optim.Adam;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * The picture that explains UAE: an equal-weight mixture of four 2-D Gaussians at (0, ±3) and
 * (±2, 0) measured by one noisy linear projection. PCA projects on the y axis (the largest
 * variance), which maps the modes (±2, 0) onto the same value, so no decoder can tell them
 * apart; the UAE learns a direction (row norm 1, like PCA's) on which all four modes stay apart.
 * Both directions get the same MLP decoder, trained on the same noisy projections.
 */
public final class Toy {

    /** Directions and test errors of the two encoders. */
    public record Outcome(double[] pcaDirection, double[] uaeDirection, double pcaMse, double uaeMse) {
    }

    static final double[][] MEANS = {{0, 3}, {0, -3}, {2, 0}, {-2, 0}};
    static final double SPREAD = 0.2;

    private Toy() {
    }

    /** count samples (count, 2) of the mixture. */
    public static float[] sample(int count, Random r) {
        float[] out = new float[count * 2];
        for (int i = 0; i < count; i++) {
            double[] mu = MEANS[r.nextInt(MEANS.length)];
            out[2 * i] = (float) (mu[0] + SPREAD * r.nextGaussian());
            out[2 * i + 1] = (float) (mu[1] + SPREAD * r.nextGaussian());
        }
        return out;
    }

    /**
     * Trains both models and writes the PNG.
     *
     * @param shown number of test samples drawn (100 in the issue)
     * @param device where both models train
     */
    public static Outcome run(Path png, int shown, float sigma, int steps, long seed, Device device) throws IOException {
        Random r = new Random(seed);
        int trainCount = 10_000;
        float[] train = sample(trainCount, r);
        float[] test = sample(shown, r);
        // PCA of the mixture: the covariance is diagonal (4.5 along y vs 2 along x), so the top direction is y
        double[] mean = new double[2];
        double[][] cov = new double[2][2];
        for (int i = 0; i < trainCount; i++) {
            mean[0] += train[2 * i] / (double) trainCount;
            mean[1] += train[2 * i + 1] / (double) trainCount;
        }
        for (int i = 0; i < trainCount; i++) {
            double dx = train[2 * i] - mean[0];
            double dy = train[2 * i + 1] - mean[1];
            cov[0][0] += dx * dx / trainCount;
            cov[0][1] += dx * dy / trainCount;
            cov[1][1] += dy * dy / trainCount;
        }
        cov[1][0] = cov[0][1];
        org.ejml.data.DMatrixRMaj c = new org.ejml.data.DMatrixRMaj(cov);
        float[] pcaDir = Pca.fromCovariance(mean, c).directions(1);
        float[] pcaRecon;
        float[] uaeRecon;
        float[] uaeDir;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            JniUtils.setSeed(seed);
            LinearEncoder fixed = LinearEncoder.of(manager, manager.create(pcaDir, new Shape(1, 2)));
            UncertaintyAutoencoder pca = new UncertaintyAutoencoder(manager, fixed, new int[] {64, 64}, sigma, false);
            LinearEncoder learned = new LinearEncoder(manager, 2, 1);
            UncertaintyAutoencoder uae = new UncertaintyAutoencoder(manager, learned, new int[] {64, 64}, sigma, false);
            fit(pca, false, train, steps, seed, manager);
            fit(uae, true, train, steps, seed, manager);
            float[] eps = Evaluation.noise(Evaluation.SEED, shown, 1);
            pcaRecon = decode(pca, test, eps, manager);
            uaeRecon = decode(uae, test, eps, manager);
            uaeDir = learned.linearWeight().toFloatArray();
        }
        double pcaMse = mse(test, pcaRecon);
        double uaeMse = mse(test, uaeRecon);
        BufferedImage img = new BufferedImage(1500, 520, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        directionsChart(test, pcaDir, uaeDir).draw(g, new java.awt.Rectangle(0, 0, 500, 520));
        recoveryChart("PCA direction + MLP decoder: MSE " + String.format("%.2f", pcaMse), test, pcaRecon)
                .draw(g, new java.awt.Rectangle(500, 0, 500, 520));
        recoveryChart("UAE direction + MLP decoder: MSE " + String.format("%.2f", uaeMse), test, uaeRecon)
                .draw(g, new java.awt.Rectangle(1000, 0, 500, 520));
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
        return new Outcome(new double[] {pcaDir[0], pcaDir[1]}, new double[] {uaeDir[0], uaeDir[1]}, pcaMse, uaeMse);
    }

    private static void fit(UncertaintyAutoencoder model, boolean learnEncoder, float[] train, int steps, long seed,
                            NDManager manager) {
        model.encoder().setTrainable(learnEncoder);
        java.util.Map<String, NDArray> params = new java.util.LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> {
            if (learnEncoder || !k.startsWith("encoder.")) {
                params.put(k, v);
            }
        });
        Adam adam = new Adam(params, manager, 3e-3f, 0.9f, 0.999f, 1e-8f, 0f);
        if (learnEncoder) {
            model.encoder().projectRows(1f);
        }
        int count = train.length / 2;
        Random r = new Random(seed + 1);
        int batch = 100;
        try (NDManager dm = manager.newSubManager()) {
            NDArray x = dm.create(train, new Shape(count, 2));
            for (int s = 0; s < steps; s++) {
                long[] idx = new long[batch];
                for (int i = 0; i < batch; i++) {
                    idx[i] = r.nextInt(count);
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray xb = x.get(dm.create(idx));
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray recon = model.decode(model.measureWithFreshNoise(xb));
                        gc.backward(recon.sub(xb).square().sum().div(batch));
                    }
                    adam.step();
                    if (learnEncoder) {
                        // same measurement energy as PCA's unit direction
                        model.encoder().projectRows(1f);
                    }
                }
            }
        }
    }

    private static float[] decode(UncertaintyAutoencoder model, float[] x, float[] eps, NDManager manager) {
        return Tensors.noGrad(() -> {
            try (NDManager sub = manager.newSubManager()) {
                int count = x.length / 2;
                NDArray y = model.measure(sub.create(x, new Shape(count, 2)), sub.create(eps, new Shape(count, 1)));
                return model.decode(y).toFloatArray();
            }
        });
    }

    private static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s / (a.length / 2);
    }

    private static JFreeChart scatter(String title, XYSeriesCollection ds) {
        JFreeChart chart = ChartFactory.createScatterPlot(title, "x₁", "x₂", ds, PlotOrientation.VERTICAL, true, false,
                false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.getDomainAxis().setRange(-4.5, 4.5);
        plot.getRangeAxis().setRange(-4.5, 4.5);
        XYLineAndShapeRenderer rend = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            rend.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        return chart;
    }

    private static JFreeChart directionsChart(float[] test, float[] pca, float[] uae) {
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(points("samples", test));
        JFreeChart chart = scatter("Mixture samples; PCA (red) vs UAE (blue) direction", ds);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesPaint(0, Color.GRAY);
        double n = Math.hypot(uae[0], uae[1]);
        plot.addAnnotation(new XYLineAnnotation(-4 * pca[0], -4 * pca[1], 4 * pca[0], 4 * pca[1],
                new BasicStroke(3f), Color.RED));
        plot.addAnnotation(new XYLineAnnotation(-4 * uae[0] / n, -4 * uae[1] / n, 4 * uae[0] / n, 4 * uae[1] / n,
                new BasicStroke(3f), Color.BLUE));
        return chart;
    }

    private static JFreeChart recoveryChart(String title, float[] test, float[] recon) {
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(points("samples", test));
        ds.addSeries(points("recoveries", recon));
        JFreeChart chart = scatter(title, ds);
        chart.getXYPlot().getRenderer().setSeriesPaint(0, Color.LIGHT_GRAY);
        chart.getXYPlot().getRenderer().setSeriesPaint(1, new Color(200, 60, 0));
        return chart;
    }

    private static XYSeries points(String name, float[] xy) {
        XYSeries s = new XYSeries(name, false);
        for (int i = 0; i < xy.length / 2; i++) {
            s.add(xy[2 * i], xy[2 * i + 1]);
        }
        return s;
    }
}
