package org.fewgen.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code builtin:digits}: MNIST-like handwritten-looking digits 0–9 drawn from a seed, needing no
 * download and no fonts (CI machines may have none).
 *
 * <p>Each digit is a fixed stroke skeleton (lines and Bézier curves in a unit box) drawn white on
 * black with an antialiased round-capped pen whose edge fades to black over {@code resolution/24}
 * pixels. Every image varies the pen width, size, slant, rotation and each control point a little,
 * so no two samples are identical but each stays readable at 32×32. As in MNIST, each digit is
 * moved so that its centre of mass lies at the image centre, and its edges are soft: a GAN draws
 * such digits after far fewer images than ones placed anywhere with hard edges (docs/training.md,
 * the demo). A step up from {@code builtin:shapes}: thin strokes and ten classes whose differences
 * are topological (loops, ends), which a GAN must get right to look plausible.
 *
 * <p>Image {@code i} depends only on (seed, i, resolution), so {@code builtin:digits:N} is a
 * prefix of {@code builtin:digits:M} for N &lt; M. Classes are balanced: every block of ten
 * consecutive images holds each digit once, in a seeded order.
 */
public final class ProceduralDigits {

    /** Images in {@code builtin:digits}. */
    public static final int DEFAULT_COUNT = 1000;
    /** Bumped whenever the drawing changes, so cached copies of older drawings are not reused. */
    static final int VERSION = 2;
    /** The seed behind {@code builtin:digits}. */
    public static final long DEFAULT_SEED = 20240610L;

    private ProceduralDigits() {
    }

    /** {@code count} images at {@code resolution}, as an {@link ImageSet} named {@code label}. */
    public static ImageSet imageSet(String label, int count, int resolution, long seed) {
        return ProceduralShapes.drawn(label, count, resolution, i -> render(i, resolution, seed));
    }

    /**
     * The digit shown by image {@code index}: position {@code index % 10} of a seeded permutation
     * of 0–9 drawn per block of ten, so classes stay balanced in every prefix of ten.
     */
    public static int digitOf(int index, long seed) {
        SplittableRandom rng = new SplittableRandom(ProceduralShapes.mix(seed ^ 0x3C6EF372FE94F82BL, index / 10));
        int[] perm = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int i = 9; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm[index % 10];
    }

    /** Image {@code index} of the dataset with {@code seed}, drawn at {@code resolution}². */
    public static BufferedImage render(int index, int resolution, long seed) {
        int digit = digitOf(index, seed);
        SplittableRandom rng = new SplittableRandom(ProceduralShapes.mix(seed, index));
        double r = resolution;
        double strokeWidth = r * uniform(rng, 0.06, 0.10); // the soft edge below adds about 0.05 r
        double height = r * uniform(rng, 0.50, 0.62); // with the pen, about the 20 of 28 pixels of MNIST
        double width = height * uniform(rng, 0.55, 0.70); // digits are taller than wide
        double shear = uniform(rng, -0.25, 0.25);
        double angle = Math.toRadians(uniform(rng, -10, 10));

        Skeleton sk = new Skeleton(rng);
        SKELETONS[digit].accept(sk);
        // Unit box → centred box of width × height, slanted (top to the right for shear > 0), rotated.
        AffineTransform at = new AffineTransform();
        at.translate(r / 2, r / 2);
        at.rotate(angle);
        at.shear(-shear, 0);
        at.scale(width, height);
        at.translate(-0.5, -0.5);
        // Transform the path rather than the Graphics so that the pen stays round and of one width.
        java.awt.Shape shape = at.createTransformedShape(sk.path);
        // Drawn once, unclipped in the middle of a canvas twice the size, to find the centre of
        // mass; then again, moved so that the centre of mass sits at the image centre.
        java.awt.Shape padded = AffineTransform.getTranslateInstance(r / 2, r / 2).createTransformedShape(shape);
        double[] mass = centreOfMass(draw(padded, 2 * resolution, strokeWidth, resolution));
        java.awt.Shape centred = AffineTransform.getTranslateInstance(r - mass[0], r - mass[1])
                .createTransformedShape(shape);
        return draw(centred, resolution, strokeWidth, resolution);
    }

    /** The pens drawn one over the other, from the outer edge in: grey level and how far (in halo widths) each reaches beyond the core; the last is the white core. */
    private static final int[] PEN_GREY = {48, 112, 176, 255};
    private static final double[] PEN_REACH = {1, 2.0 / 3, 1.0 / 3, 0};

    /**
     * The stroke white on black on a {@code canvas}² image, its edge fading over {@code resolution/24}
     * pixels on each side: wider, darker pens first, the white core last. Layers rather than a blur
     * keep the cost of an image proportional to its pixels at every resolution.
     */
    private static BufferedImage draw(java.awt.Shape shape, int canvas, double strokeWidth, int resolution) {
        double halo = resolution / 24.0;
        BufferedImage img = new BufferedImage(canvas, canvas, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = ProceduralShapes.smoothGraphics(img);
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, canvas, canvas);
            for (int i = 0; i < PEN_GREY.length; i++) {
                g.setColor(new Color(PEN_GREY[i], PEN_GREY[i], PEN_GREY[i]));
                g.setStroke(new BasicStroke((float) (strokeWidth + 2 * PEN_REACH[i] * halo), BasicStroke.CAP_ROUND,
                        BasicStroke.JOIN_ROUND));
                g.draw(shape);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The brightness-weighted mean of the pixel centres, (x, y) in pixels. */
    static double[] centreOfMass(BufferedImage img) {
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double v = img.getRGB(x, y) & 0xFF;
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        return sum == 0 ? new double[] {img.getWidth() / 2.0, img.getHeight() / 2.0} : new double[] {sx / sum, sy / sum};
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /**
     * Builds a skeleton path in the unit box (x right, y down), moving each control point by up to
     * ±3% of the box. The same skeleton point always gets the same offset, so closed loops stay
     * closed and strokes that meet keep meeting.
     */
    private static final class Skeleton {
        private static final double JITTER = 0.03;
        private static final double KAPPA = 0.5523; // cubic Bézier quarter-circle constant
        final Path2D.Double path = new Path2D.Double();
        private final SplittableRandom rng;
        private final Map<String, double[]> offsets = new HashMap<>();

        Skeleton(SplittableRandom rng) {
            this.rng = rng;
        }

        private double[] p(double x, double y) {
            double[] d = offsets.computeIfAbsent(x + "," + y,
                    k -> new double[] {uniform(rng, -JITTER, JITTER), uniform(rng, -JITTER, JITTER)});
            return new double[] {x + d[0], y + d[1]};
        }

        Skeleton m(double x, double y) {
            double[] a = p(x, y);
            path.moveTo(a[0], a[1]);
            return this;
        }

        Skeleton l(double x, double y) {
            double[] a = p(x, y);
            path.lineTo(a[0], a[1]);
            return this;
        }

        Skeleton q(double x1, double y1, double x, double y) {
            double[] a = p(x1, y1);
            double[] b = p(x, y);
            path.quadTo(a[0], a[1], b[0], b[1]);
            return this;
        }

        Skeleton c(double x1, double y1, double x2, double y2, double x, double y) {
            double[] a = p(x1, y1);
            double[] b = p(x2, y2);
            double[] e = p(x, y);
            path.curveTo(a[0], a[1], b[0], b[1], e[0], e[1]);
            return this;
        }

        /** A closed ellipse, started (and ended) at its leftmost point, going down first. */
        Skeleton ellipse(double cx, double cy, double rx, double ry) {
            double kx = KAPPA * rx;
            double ky = KAPPA * ry;
            m(cx - rx, cy);
            c(cx - rx, cy + ky, cx - kx, cy + ry, cx, cy + ry);
            c(cx + kx, cy + ry, cx + rx, cy + ky, cx + rx, cy);
            c(cx + rx, cy - ky, cx + kx, cy - ry, cx, cy - ry);
            return c(cx - kx, cy - ry, cx - rx, cy - ky, cx - rx, cy);
        }
    }

    /** Stroke skeletons of 0–9 in the unit box. */
    @SuppressWarnings("unchecked")
    private static final java.util.function.Consumer<Skeleton>[] SKELETONS = new java.util.function.Consumer[] {
        (java.util.function.Consumer<Skeleton>) s -> s.ellipse(0.5, 0.5, 0.5, 0.5),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0.25, 0.22).l(0.6, 0).l(0.6, 1),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0.04, 0.25).c(0.04, -0.06, 0.96, -0.08, 0.94, 0.28)
                .c(0.92, 0.52, 0.4, 0.72, 0, 1).l(1, 1),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0.06, 0.12).c(0.3, -0.06, 0.95, -0.04, 0.9, 0.24)
                .c(0.86, 0.44, 0.55, 0.47, 0.38, 0.47)
                .c(1.02, 0.48, 1.04, 0.96, 0.55, 1).c(0.35, 1.02, 0.15, 0.97, 0.02, 0.86),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0.72, 1).l(0.72, 0).l(0, 0.68).l(1, 0.68),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0.92, 0).l(0.15, 0).l(0.1, 0.46)
                .c(0.4, 0.3, 1, 0.36, 0.96, 0.7).c(0.92, 1.04, 0.25, 1.06, 0.02, 0.86),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0.85, 0.05).c(0.35, -0.08, 0.02, 0.3, 0.5 - 0.45, 0.7)
                .ellipse(0.5, 0.7, 0.45, 0.3),
        (java.util.function.Consumer<Skeleton>) s -> s.m(0, 0).l(1, 0).l(0.35, 1),
        (java.util.function.Consumer<Skeleton>) s -> s.ellipse(0.5, 0.25, 0.38, 0.24)
                .ellipse(0.5, 0.74, 0.47, 0.26),
        (java.util.function.Consumer<Skeleton>) s -> s.ellipse(0.5, 0.3, 0.45, 0.3)
                .m(0.5 + 0.45, 0.3).q(0.95, 0.75, 0.8, 1),
    };
}
