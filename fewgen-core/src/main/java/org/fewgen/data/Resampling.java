package org.fewgen.data;

/**
 * Turns an RGB image of any size into R×R planar uint8 pixels: square it (centre crop or white
 * padding), then resample each axis separately.
 *
 * <p>Downscaling averages the exact area of the source that each output pixel covers (a box
 * filter with fractional edge weights), so thin lines and fine texture fade instead of aliasing.
 * Upscaling is bilinear with pixel centres at +0.5. When the square side already equals R the
 * weights are the identity and pixels come out unchanged (a prepared zip loads back bit-exact).
 */
final class Resampling {

    private static final float WHITE = 255f;

    private Resampling() {
    }

    /** Source taps and weights of each output sample along one axis. */
    private record Axis(int[][] taps, float[][] weights) {
    }

    /**
     * @param rgb packed 0xRRGGBB, row-major (h, w), already opaque
     * @return (3, R, R) uint8, channel-major
     */
    static byte[] squareResize(int[] rgb, int w, int h, int resolution, Transform transform) {
        int side = transform == Transform.PAD ? Math.max(w, h) : Math.min(w, h);
        // Offset from "virtual square" coordinates to source coordinates: positive = crop, negative = pad.
        int offX = (w - side) / 2;
        int offY = (h - side) / 2;
        if (transform == Transform.PAD) {
            offX = -((side - w) / 2);
            offY = -((side - h) / 2);
        }
        Axis ax = axis(side, resolution);
        Axis ay = axis(side, resolution);
        int r = resolution;
        // Horizontal pass over real source rows: (3, h, R).
        float[] tmp = new float[3 * h * r];
        for (int y = 0; y < h; y++) {
            int rowBase = y * w;
            for (int ox = 0; ox < r; ox++) {
                int[] taps = ax.taps[ox];
                float[] wts = ax.weights[ox];
                float sr = 0;
                float sg = 0;
                float sb = 0;
                for (int k = 0; k < taps.length; k++) {
                    int sx = taps[k] + offX;
                    float wt = wts[k];
                    if (sx < 0 || sx >= w) {
                        sr += wt * WHITE;
                        sg += wt * WHITE;
                        sb += wt * WHITE;
                    } else {
                        int p = rgb[rowBase + sx];
                        sr += wt * ((p >>> 16) & 0xff);
                        sg += wt * ((p >>> 8) & 0xff);
                        sb += wt * (p & 0xff);
                    }
                }
                tmp[(0 * h + y) * r + ox] = sr;
                tmp[(1 * h + y) * r + ox] = sg;
                tmp[(2 * h + y) * r + ox] = sb;
            }
        }
        byte[] out = new byte[3 * r * r];
        for (int c = 0; c < 3; c++) {
            for (int oy = 0; oy < r; oy++) {
                int[] taps = ay.taps[oy];
                float[] wts = ay.weights[oy];
                for (int ox = 0; ox < r; ox++) {
                    float s = 0;
                    for (int k = 0; k < taps.length; k++) {
                        int sy = taps[k] + offY;
                        s += wts[k] * ((sy < 0 || sy >= h) ? WHITE : tmp[(c * h + sy) * r + ox]);
                    }
                    out[(c * r + oy) * r + ox] = toByte(s);
                }
            }
        }
        return out;
    }

    static byte toByte(float v) {
        int i = Math.round(v);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }

    private static Axis axis(int in, int out) {
        int[][] taps = new int[out][];
        float[][] weights = new float[out][];
        if (in == out) {
            for (int o = 0; o < out; o++) {
                taps[o] = new int[] {o};
                weights[o] = new float[] {1f};
            }
        } else if (out < in) {
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                double start = o * scale;
                double end = (o + 1) * scale;
                int s0 = (int) Math.floor(start);
                int s1 = Math.min(in, (int) Math.ceil(end));
                int n = s1 - s0;
                taps[o] = new int[n];
                weights[o] = new float[n];
                double total = 0;
                for (int k = 0; k < n; k++) {
                    int s = s0 + k;
                    double wt = Math.min(end, s + 1) - Math.max(start, s);
                    taps[o][k] = s;
                    weights[o][k] = (float) wt;
                    total += wt;
                }
                for (int k = 0; k < n; k++) {
                    weights[o][k] = (float) (weights[o][k] / total);
                }
            }
        } else {
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                double centre = (o + 0.5) * scale - 0.5;
                centre = Math.max(0, Math.min(in - 1, centre));
                int s0 = (int) Math.floor(centre);
                int s1 = Math.min(s0 + 1, in - 1);
                float f = (float) (centre - s0);
                taps[o] = new int[] {s0, s1};
                weights[o] = new float[] {1f - f, f};
            }
        }
        return new Axis(taps, weights);
    }
}
