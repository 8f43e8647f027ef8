package io.loopbridge.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The comparison's PNG charts (XChart, headless): per scenario, throughput vs connections and p99 latency
 * vs connections, one line per mode; and one overview image with all of them. Threads: the main thread.
 */
final class Charts {
    static final int WIDTH = 560;
    static final int HEIGHT = 400;

    /** A line of a chart: y per x, in the order of {@code x}. */
    record Line(String name, double[] y, boolean reference) {}

    private Charts() {}

    static XYChart chart(String title, String yTitle, double[] x, List<Line> lines, boolean logY) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("concurrent connections (log)").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setLegendFont(styler.getLegendFont().deriveFont(10f));
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setMarkerSize(6);
        chart.getStyler().setYAxisDecimalPattern(logY ? "#,##0.##" : "#,###");
        chart.getStyler().setXAxisDecimalPattern("#");
        for (Line line : lines) {
            double[] y = line.y().clone();
            for (int i = 0; i < y.length; i++) {
                if (!(y[i] > 0) || Double.isNaN(y[i])) {
                    y[i] = logY ? 0.01 : 0; // a log axis cannot show 0
                }
            }
            XYSeries series = chart.addSeries(line.name(), x, y);
            if (line.reference()) {
                series.setLineStyle(SeriesLines.DASH_DASH);
                series.setMarker(SeriesMarkers.NONE);
                series.setLineColor(line.name().startsWith("ideal") ? Color.GRAY : new Color(0xB0, 0x60, 0x00));
            }
        }
        return chart;
    }

    static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** One image of {@code charts} in rows of {@code columns}. */
    static void grid(List<XYChart> charts, int columns, Path file) throws IOException {
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % columns) * WIDTH, (i / columns) * HEIGHT, null);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    static List<Line> lines(Map<String, double[]> byMode) {
        List<Line> lines = new ArrayList<>();
        byMode.forEach((mode, y) -> lines.add(new Line(mode, y, false)));
        return lines;
    }
}
