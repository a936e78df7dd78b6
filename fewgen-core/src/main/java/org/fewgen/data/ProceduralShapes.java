package org.fewgen.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code builtin:shapes}: a few-shot dataset drawn from a seed, needing no download.
 *
 * <p>Each image shows one or two large, flat, saturated shapes (disc, square, triangle or ring)
 * on a light plain or vertically graded background, drawn with Java2D antialiasing directly at
 * the requested resolution. The structure is deliberately strong and simple (few colours, big
 * shapes, no texture) so that a small GAN at 64×64 learns it within minutes on a CPU, and a
 * person looking at samples can tell at once whether it did: crisp single-colour shapes on light
 * backgrounds versus muddy blobs.
 *
 * <p>Image {@code i} depends only on (seed, i, resolution), so {@code builtin:shapes:N} is a
 * prefix of {@code builtin:shapes:M} for N &lt; M.
 */
public final class ProceduralShapes {

    /** Images in {@code builtin:shapes}. */
    public static final int DEFAULT_COUNT = 256;
    /** Bumped whenever the drawing changes, so cached copies of older drawings are not reused. */
    static final int VERSION = 1;
    /** The seed behind {@code builtin:shapes}. */
    public static final long DEFAULT_SEED = 20240601L;

    /** The kinds of shape drawn. */
    public enum Shape { DISC, SQUARE, TRIANGLE, RING }

    private static final Color[] SHAPE_COLOURS = {
        new Color(220, 30, 40),   // red
        new Color(30, 90, 220),   // blue
        new Color(20, 160, 60),   // green
        new Color(245, 190, 0),   // yellow
        new Color(240, 110, 10),  // orange
        new Color(140, 40, 180),  // purple
    };

    private static final Color[] BACKGROUNDS = {
        new Color(250, 250, 250),
        new Color(235, 235, 235),
        new Color(250, 240, 220),
        new Color(225, 240, 250),
        new Color(230, 245, 230),
    };

    private ProceduralShapes() {
    }

    /** {@code count} images at {@code resolution}, as an {@link ImageSet} named {@code label}. */
    public static ImageSet imageSet(String label, int count, int resolution, long seed) {
        return drawn(label, count, resolution, i -> render(i, resolution, seed));
    }

    /** Draws {@code count} images in parallel (image {@code i} by {@code draw}) into an {@link ImageSet}. */
    static ImageSet drawn(String label, int count, int resolution, java.util.function.IntFunction<BufferedImage> draw) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        int per = 3 * resolution * resolution;
        byte[] pixels = new byte[count * per];
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
            BufferedImage img = draw.apply(i);
            int[] rgb = img.getRGB(0, 0, resolution, resolution, null, 0, resolution);
            byte[] chw = Resampling.squareResize(rgb, resolution, resolution, resolution, Transform.CENTER_CROP);
            System.arraycopy(chw, 0, pixels, i * per, per);
        });
        return new ImageSet(label, resolution, pixels, List.of(), null);
    }

    /** Image {@code index} of the dataset with {@code seed}, drawn at {@code resolution}². */
    public static BufferedImage render(int index, int resolution, long seed) {
        SplittableRandom rng = new SplittableRandom(mix(seed, index));
        int r = resolution;
        BufferedImage img = new BufferedImage(r, r, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = smoothGraphics(img);
        try {
            Color bg = BACKGROUNDS[rng.nextInt(BACKGROUNDS.length)];
            if (rng.nextInt(2) == 0) {
                g.setColor(bg);
            } else {
                Color other = BACKGROUNDS[rng.nextInt(BACKGROUNDS.length)];
                g.setPaint(new GradientPaint(0, 0, bg, 0, r, darker(other, 0.85f)));
            }
            g.fillRect(0, 0, r, r);
            int shapes = rng.nextInt(10) < 6 ? 1 : 2;
            int firstColour = rng.nextInt(SHAPE_COLOURS.length);
            for (int k = 0; k < shapes; k++) {
                Shape kind = Shape.values()[rng.nextInt(Shape.values().length)];
                // The second shape gets another colour so the two stay distinguishable.
                int colour = k == 0 ? firstColour
                        : (firstColour + 1 + rng.nextInt(SHAPE_COLOURS.length - 1)) % SHAPE_COLOURS.length;
                double size = r * (shapes == 1 ? 0.45 + 0.25 * rng.nextDouble() : 0.32 + 0.18 * rng.nextDouble());
                double margin = r * 0.06;
                double cx = margin + size / 2 + rng.nextDouble() * Math.max(0, r - 2 * margin - size);
                double cy = margin + size / 2 + rng.nextDouble() * Math.max(0, r - 2 * margin - size);
                g.setColor(SHAPE_COLOURS[colour]);
                draw(g, kind, cx, cy, size);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Graphics on {@code img} that antialias with exact (pure) stroke geometry, as every procedural set draws. */
    static Graphics2D smoothGraphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        return g;
    }

    private static void draw(Graphics2D g, Shape kind, double cx, double cy, double size) {
        double h = size / 2;
        switch (kind) {
            case DISC -> g.fill(new Ellipse2D.Double(cx - h, cy - h, size, size));
            case SQUARE -> {
                double s = size * 0.86;
                g.fill(new Rectangle2D.Double(cx - s / 2, cy - s / 2, s, s));
            }
            case TRIANGLE -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(cx, cy - h);
                p.lineTo(cx + h, cy + h * 0.8);
                p.lineTo(cx - h, cy + h * 0.8);
                p.closePath();
                g.fill(p);
            }
            case RING -> {
                double thickness = size * 0.2;
                g.setStroke(new BasicStroke((float) thickness));
                double d = size - thickness;
                g.draw(new Ellipse2D.Double(cx - d / 2, cy - d / 2, d, d));
            }
        }
    }

    private static Color darker(Color c, float f) {
        return new Color(Math.round(c.getRed() * f), Math.round(c.getGreen() * f), Math.round(c.getBlue() * f));
    }

    /** SplitMix64-style mixing so that nearby (seed, index) pairs give unrelated streams. */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
