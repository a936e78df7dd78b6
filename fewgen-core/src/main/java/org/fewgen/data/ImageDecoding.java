package org.fewgen.data;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.DomElement;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.FloatSize;
import com.github.weisj.jsvg.view.ViewBox;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Component;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes one image file into R×R planar RGB bytes: raster formats through ImageIO (PNG, JPEG,
 * BMP, GIF: first frame), SVG through jsvg rendered directly at the target size. Every input ends
 * up as opaque 8-bit RGB: grey and 16-bit samples are rescaled, palettes looked up, and alpha is
 * composited on white.
 */
final class ImageDecoding {

    /** File name extensions that are decoded; other files in a folder or zip are ignored. */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "svg");

    /** Held so the level set below is not lost when the logger is garbage-collected. */
    private static final java.util.logging.Logger JSVG_LOG = java.util.logging.Logger.getLogger("com.github.weisj.jsvg");

    static {
        // Decoding runs on many threads from memory; ImageIO's disk cache only adds temp files.
        ImageIO.setUseCache(false);
        // jsvg logs a stack trace per malformed file; fewgen reports each as one entry of the skipped summary.
        JSVG_LOG.setLevel(java.util.logging.Level.OFF);
    }

    /** Why a file could not be decoded. */
    static final class UndecodableException extends Exception {
        UndecodableException(String reason) {
            super(reason);
        }
    }

    private ImageDecoding() {
    }

    static String extension(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        int dot = name.lastIndexOf('.');
        return dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    static boolean isImageName(String name) {
        return EXTENSIONS.contains(extension(name));
    }

    /** Decodes {@code bytes} of a file called {@code name} to (3, R, R) uint8. */
    static byte[] decode(String name, byte[] bytes, int resolution, Transform transform) throws UndecodableException {
        if (bytes.length == 0) {
            throw new UndecodableException("empty file");
        }
        if (extension(name).equals("svg")) {
            return renderSvg(bytes, resolution, transform);
        }
        requireReasonableSize(bytes);
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (img == null) {
            throw new UndecodableException("not a PNG/JPEG/BMP/GIF image");
        }
        if (img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new UndecodableException("image has no pixels");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = toRgbOnWhite(img);
        int orientation = exifOrientation(bytes);
        if (orientation > 1 && orientation <= 8) {
            rgb = orient(rgb, w, h, orientation);
            if (orientation >= 5) {
                int t = w;
                w = h;
                h = t;
            }
        }
        return Resampling.squareResize(rgb, w, h, resolution, transform);
    }

    /** Larger images are refused before decoding: 100 MP is 400 MB of ARGB pixels per decoding thread. */
    static final long MAX_PIXELS = 100_000_000L;

    /**
     * A header that claims a huge size (a damaged or hostile file of a few bytes) makes ImageIO
     * allocate the whole raster before it finds the data missing: refuse it from the header alone.
     */
    private static void requireReasonableSize(byte[] bytes) throws UndecodableException {
        long w;
        long h;
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return; // ImageIO.read reports it
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                w = reader.getWidth(0);
                h = reader.getHeight(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return; // an unreadable header: ImageIO.read says why
        }
        if (w * h > MAX_PIXELS) {
            throw new UndecodableException("header claims " + w + "x" + h + " pixels, above the limit of "
                    + MAX_PIXELS / 1_000_000 + " megapixels");
        }
    }

    /**
     * The EXIF orientation tag (1..8) of a JPEG, or 1 when there is none. Phones store photos
     * sideways and set this tag; ImageIO ignores it, so without it such photos train sideways.
     */
    static int exifOrientation(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
            return 1;
        }
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xff) == 0xFF) {
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xDA || marker == 0xD9) {
                return 1;
            }
            int segLen = u16(b, pos + 2, true);
            if (marker == 0xE1 && segLen >= 16 && pos + 2 + segLen <= b.length && b[pos + 4] == 'E'
                    && b[pos + 5] == 'x' && b[pos + 6] == 'i' && b[pos + 7] == 'f' && b[pos + 8] == 0) {
                int tiff = pos + 10;
                int end = pos + 2 + segLen;
                boolean big = b[tiff] == 'M';
                long ifd = u32(b, tiff + 4, big);
                if (ifd < 8 || tiff + ifd + 2 > end) {
                    return 1;
                }
                int entries = u16(b, tiff + (int) ifd, big);
                for (int i = 0; i < entries; i++) {
                    int e = tiff + (int) ifd + 2 + 12 * i;
                    if (e + 12 > end) {
                        return 1;
                    }
                    if (u16(b, e, big) == 0x0112) {
                        return u16(b, e + 8, big);
                    }
                }
                return 1;
            }
            pos += 2 + segLen;
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        int x = b[at] & 0xff;
        int y = b[at + 1] & 0xff;
        return bigEndian ? x << 8 | y : y << 8 | x;
    }

    private static long u32(byte[] b, int at, boolean bigEndian) {
        long hi = u16(b, bigEndian ? at : at + 2, bigEndian);
        long lo = u16(b, bigEndian ? at + 2 : at, bigEndian);
        return hi << 16 | lo;
    }

    /** Applies EXIF orientation 2..8 to packed pixels (h, w); orientations 5..8 swap width and height. */
    static int[] orient(int[] rgb, int w, int h, int orientation) {
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] out = new int[rgb.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                out[y * ow + x] = rgb[sy * w + sx];
            }
        }
        return out;
    }

    /**
     * Packed 0xRRGGBB of an image of any colour model, alpha composited on white.
     *
     * <p>Grey images are read from their raster directly: {@code getRGB} on a grey colour model
     * treats the samples as linear light and brightens them, which is not what a grey PNG means.
     */
    static int[] toRgbOnWhite(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] out = new int[w * h];
        ColorModel cm = img.getColorModel();
        if (!(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumComponents() <= 2) {
            Raster raster = img.getRaster();
            double greyMax = (1L << cm.getComponentSize(0)) - 1;
            boolean alpha = cm.hasAlpha() && raster.getNumBands() > 1;
            double alphaMax = alpha ? (1L << cm.getComponentSize(1)) - 1 : 1;
            int[] grey = new int[w];
            int[] a = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, grey);
                if (alpha) {
                    raster.getSamples(0, y, w, 1, 1, a);
                }
                for (int x = 0; x < w; x++) {
                    double g = grey[x] * 255.0 / greyMax;
                    if (alpha) {
                        double f = a[x] / alphaMax;
                        g = g * f + 255.0 * (1 - f);
                    }
                    int v = (int) Math.round(Math.max(0, Math.min(255, g)));
                    out[y * w + x] = v << 16 | v << 8 | v;
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int a = p >>> 24;
                if (a == 255) {
                    out[y * w + x] = p & 0xffffff;
                } else {
                    out[y * w + x] = onWhite((p >>> 16) & 0xff, a) << 16 | onWhite((p >>> 8) & 0xff, a) << 8
                            | onWhite(p & 0xff, a);
                }
            }
        }
        return out;
    }

    private static int onWhite(int c, int alpha) {
        return (c * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    /**
     * Renders an SVG straight at R×R on white (no raster resize, so edges stay sharp). OpenMoji
     * source files carry a designer's construction grid ({@code <g id="grid">} under a root with
     * {@code id="emoji"}: a grey frame and guide lines); it is switched off so it does not frame
     * every image.
     */
    static byte[] renderSvg(byte[] bytes, int resolution, Transform transform) throws UndecodableException {
        SVGDocument doc;
        try {
            LoaderContext ctx = LoaderContext.builder().preProcessor(ImageDecoding::hideOpenMojiGrid).build();
            doc = new SVGLoader().load(new ByteArrayInputStream(bytes), URI.create("file:/"), ctx);
        } catch (RuntimeException e) {
            throw new UndecodableException("invalid SVG (" + e.getMessage() + ")");
        }
        if (doc == null) {
            throw new UndecodableException("invalid SVG");
        }
        FloatSize size = doc.size();
        if (!(size.width > 0 && size.height > 0) || !Float.isFinite(size.width) || !Float.isFinite(size.height)) {
            throw new UndecodableException("SVG has no size (" + size.width + "x" + size.height + ")");
        }
        float side = transform == Transform.PAD ? Math.max(size.width, size.height) : Math.min(size.width, size.height);
        float scale = resolution / side;
        float w = size.width * scale;
        float h = size.height * scale;
        BufferedImage img = new BufferedImage(resolution, resolution, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, resolution, resolution);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            doc.render((Component) null, g, new ViewBox((resolution - w) / 2f, (resolution - h) / 2f, w, h));
        } catch (RuntimeException e) {
            throw new UndecodableException("SVG could not be rendered (" + e.getMessage() + ")");
        } finally {
            g.dispose();
        }
        int r = resolution;
        int[] rgb = img.getRGB(0, 0, r, r, null, 0, r);
        return Resampling.squareResize(rgb, r, r, r, Transform.CENTER_CROP);
    }

    private static void hideOpenMojiGrid(DomElement root) {
        if (!"emoji".equals(root.id())) {
            return;
        }
        for (DomElement child : root.children()) {
            if ("grid".equals(child.id())) {
                child.setAttribute("display", "none");
            }
        }
    }
}
