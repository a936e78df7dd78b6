package org.fewgen.cs;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.fewgen.io.AtomicFiles;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PNG charts of comparison results (JFreeChart, headless). */
public final class CsCharts {

    private CsCharts() {
    }

    /** Error vs m on a log axis, one line per method, ± one standard error as bars. */
    public static void errorVsMeasurements(Path file, List<CompareResult> records, String title) throws IOException {
        Map<String, YIntervalSeries> series = new LinkedHashMap<>();
        for (CompareResult r : records) {
            double mean = r.errors().l2Mean();
            double se = r.errors().l2Stderr();
            series.computeIfAbsent(r.method().id(), YIntervalSeries::new).add(r.measurements(), mean, mean - se, mean + se);
        }
        YIntervalSeriesCollection ds = new YIntervalSeriesCollection();
        series.values().forEach(ds::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "measurements m", "test ℓ2 error per image", ds,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        java.util.TreeSet<Integer> ms = new java.util.TreeSet<>();
        records.forEach(r -> ms.add(r.measurements()));
        plot.setDomainAxis(measurementAxis(ms));
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 600));
    }

    /**
     * A log axis with one labelled tick at each m. JFreeChart's own ticks on a log axis fall on
     * powers of the base, so m from 2 to 100 got the single label 10¹.
     */
    static LogAxis measurementAxis(java.util.SortedSet<Integer> ms) {
        List<Integer> values = List.copyOf(ms);
        LogAxis x = new LogAxis("measurements m") {
            @Override
            protected List refreshTicksHorizontal(Graphics2D g2, java.awt.geom.Rectangle2D dataArea,
                                                  org.jfree.chart.ui.RectangleEdge edge) {
                return ticks(values);
            }

            @Override
            protected List refreshTicksVertical(Graphics2D g2, java.awt.geom.Rectangle2D dataArea,
                                                org.jfree.chart.ui.RectangleEdge edge) {
                return ticks(values);
            }
        };
        x.setBase(10);
        x.setSmallestValue(1);
        x.setTickUnit(new NumberTickUnit(1));
        if (!values.isEmpty()) {
            // a margin of a quarter decade on each side keeps the end labels inside the plot
            x.setRange(values.get(0) / 1.8, values.get(values.size() - 1) * 1.8);
        }
        return x;
    }

    private static List<org.jfree.chart.axis.NumberTick> ticks(List<Integer> values) {
        List<org.jfree.chart.axis.NumberTick> ticks = new java.util.ArrayList<>();
        for (int m : values) {
            ticks.add(new org.jfree.chart.axis.NumberTick(m, Integer.toString(m), org.jfree.chart.ui.TextAnchor.TOP_CENTER,
                    org.jfree.chart.ui.TextAnchor.CENTER, 0.0));
        }
        return ticks;
    }

    /** The image with a left margin naming each row: {@code first}, then {@code labels}. */
    public static BufferedImage labelled(BufferedImage grid, String first, List<String> labels) {
        int margin = 110;
        BufferedImage out = new BufferedImage(grid.getWidth() + margin, grid.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, margin, out.getHeight());
        g.drawImage(grid, margin, 0, null);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int rows = labels.size() + 1;
        int cell = grid.getHeight() / rows;
        for (int r = 0; r < rows; r++) {
            g.drawString(r == 0 ? first : labels.get(r - 1), 6, r * cell + cell / 2 + 5);
        }
        g.dispose();
        return out;
    }
}
