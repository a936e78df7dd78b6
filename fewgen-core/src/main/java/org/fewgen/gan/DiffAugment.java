package org.fewgen.gan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.fewgen.nn.Tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Differentiable augmentation (Zhao et al. 2020, https://arxiv.org/abs/2006.10738) as Projected
 * GAN applies it to every image D sees, real or fake. Each operation runs on every image
 * (probability 1) with its own random draw per image:
 * <ul>
 *   <li>{@code color}: brightness {@code x + U(−0.5, 0.5)}; saturation: scale by {@code U(0, 2)}
 *       around the per-pixel channel mean; contrast: scale by {@code U(0.5, 1.5)} around the
 *       image mean;</li>
 *   <li>{@code translation}: integer shift by up to {@code round(1/8 · side)} pixels in each
 *       direction, zero fill;</li>
 *   <li>{@code cutout}: a zero square of side {@code round(ratio · side)} at a uniform centre
 *       (ratio 0.2, projected-gan's value; the original DiffAugment code uses 0.5).</li>
 * </ul>
 * Images {@code (N, C, H, W)} in, same shape out, on the device of the input; gradients flow to
 * the input. Random numbers come from the engine's generator (seeded by
 * {@code Engine.setRandomSeed}).
 */
public final class DiffAugment {

    /** One augmentation family of a policy string. */
    public enum Op {
        COLOR, TRANSLATION, CUTOUT
    }

    public static final double TRANSLATION_RATIO = 0.125;
    public static final double CUTOUT_RATIO = 0.2;

    private final List<Op> ops;
    private final double cutoutRatio;

    /** @param policy comma-separated operations, e.g. {@code color,translation,cutout}; empty for none */
    public DiffAugment(String policy) {
        this(policy, CUTOUT_RATIO);
    }

    public DiffAugment(String policy, double cutoutRatio) {
        if (!(cutoutRatio > 0 && cutoutRatio <= 1)) {
            throw new IllegalArgumentException("cutout ratio must be in (0, 1], got " + cutoutRatio);
        }
        this.ops = parsePolicy(policy);
        this.cutoutRatio = cutoutRatio;
    }

    /** Parses a policy string; unknown names fail with a message that lists the valid ones. */
    public static List<Op> parsePolicy(String policy) {
        List<Op> out = new ArrayList<>();
        for (String part : DiscriminatorConfig.policyParts(policy)) {
            try {
                out.add(Op.valueOf(part.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("augmentation policy '" + policy + "': unknown operation '" + part
                        + "' (valid: color, translation, cutout)");
            }
        }
        return out;
    }

    public List<Op> ops() {
        return List.copyOf(ops);
    }

    /** Applies the policy's operations in order. */
    public NDArray apply(NDArray x) {
        NDArray y = x;
        for (Op op : ops) {
            y = switch (op) {
                case COLOR -> contrast(saturation(brightness(y, uniform(y, -0.5, 0.5)), uniform(y, 0, 2)),
                        uniform(y, 0.5, 1.5));
                case TRANSLATION -> translate(y, randomShifts(y, 2), randomShifts(y, 3));
                case CUTOUT -> randomCutout(y, cutoutRatio);
            };
        }
        return y;
    }

    /** {@code x + delta}, delta {@code (N, 1, 1, 1)}. */
    public static NDArray brightness(NDArray x, NDArray delta) {
        return x.add(delta);
    }

    /** Scales each pixel's deviation from its channel mean by {@code factor (N, 1, 1, 1)}. */
    public static NDArray saturation(NDArray x, NDArray factor) {
        NDArray mean = x.mean(new int[] {1}, true);
        return x.sub(mean).muli(factor).addi(mean);
    }

    /** Scales each image's deviation from its mean (over C, H, W) by {@code factor (N, 1, 1, 1)}. */
    public static NDArray contrast(NDArray x, NDArray factor) {
        long n = x.getShape().get(0);
        NDArray mean = x.reshape(n, -1).mean(new int[] {1}, true).reshape(n, 1, 1, 1);
        return x.sub(mean).muli(factor).addi(mean);
    }

    /**
     * Moves image n's content by {@code (-shiftH[n], -shiftW[n])}: the output pixel {@code (i, j)}
     * is the input pixel {@code (i + shiftH[n], j + shiftW[n])}, zero where that lies outside.
     */
    public static NDArray translate(NDArray x, long[] shiftH, long[] shiftW) {
        Shape s = x.getShape();
        PtNDManager m = (PtNDManager) x.getManager();
        NDArray dh = Tensors.fromHost(m, shiftH, new Shape(shiftH.length), x.getDevice());
        NDArray dw = Tensors.fromHost(m, shiftW, new Shape(shiftW.length), x.getDevice());
        if (dh.size() != s.get(0) || dw.size() != s.get(0)) {
            throw new IllegalArgumentException("need one shift per image: " + s.get(0) + " images, "
                    + shiftH.length + "/" + shiftW.length + " shifts");
        }
        return translate(x, dh, dw);
    }

    /** {@link #translate(NDArray, long[], long[])} with int64 shift vectors {@code (N)}. */
    static NDArray translate(NDArray x, NDArray shiftH, NDArray shiftW) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        // one zero row/column on each side; indices that fall outside clamp onto it
        NDArray padded = JniUtils.pad(Tensors.pt(x), new long[] {1, 1, 1, 1}, 0);
        NDArray rows = arange(x, h).reshape(1, 1, h, 1).add(shiftH.reshape(n, 1, 1, 1)).addi(1).clip(0, h + 1);
        NDArray cols = arange(x, w).reshape(1, 1, 1, w).add(shiftW.reshape(n, 1, 1, 1)).addi(1).clip(0, w + 1);
        NDArray byRow = padded.gather(rows.broadcast(new Shape(n, c, h, w + 2)), 2);
        return byRow.gather(cols.broadcast(new Shape(n, c, h, w)), 3);
    }

    /**
     * Zeroes, in image n, the {@code size × size} square whose rows start at
     * {@code centreH[n] − size/2} (and columns likewise), clipped to the image.
     */
    public static NDArray cutout(NDArray x, long[] centreH, long[] centreW, int size) {
        PtNDManager m = (PtNDManager) x.getManager();
        return cutout(x, Tensors.fromHost(m, centreH, new Shape(centreH.length), x.getDevice()),
                Tensors.fromHost(m, centreW, new Shape(centreW.length), x.getDevice()), size, size);
    }

    static NDArray cutout(NDArray x, NDArray centreH, NDArray centreW, long sizeH, long sizeW) {
        Shape s = x.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray top = centreH.sub(sizeH / 2).reshape(n, 1, 1, 1);
        NDArray left = centreW.sub(sizeW / 2).reshape(n, 1, 1, 1);
        NDArray i = arange(x, h).reshape(1, 1, h, 1);
        NDArray j = arange(x, w).reshape(1, 1, 1, w);
        NDArray inRows = i.gte(top).logicalAnd(i.lt(top.add(sizeH)));
        NDArray inCols = j.gte(left).logicalAnd(j.lt(left.add(sizeW)));
        NDArray keep = inRows.logicalAnd(inCols).logicalNot().toType(x.getDataType(), false);
        return x.mul(keep);
    }

    private static NDArray randomCutout(NDArray x, double ratio) {
        Shape s = x.getShape();
        long sizeH = (long) (s.get(2) * ratio + 0.5);
        long sizeW = (long) (s.get(3) * ratio + 0.5);
        // centres as the reference draws them: [0, side) for odd sizes, [0, side] for even ones
        NDArray ch = randint(x, 0, s.get(2) + (1 - sizeH % 2), s.get(0));
        NDArray cw = randint(x, 0, s.get(3) + (1 - sizeW % 2), s.get(0));
        return cutout(x, ch, cw, sizeH, sizeW);
    }

    private static NDArray randomShifts(NDArray x, int axis) {
        long max = (long) (x.getShape().get(axis) * TRANSLATION_RATIO + 0.5);
        return randint(x, -max, max + 1, x.getShape().get(0));
    }

    private static NDArray uniform(NDArray x, double low, double high) {
        return JniUtils.uniform((PtNDManager) x.getManager(), low, high, new Shape(x.getShape().get(0), 1, 1, 1),
                x.getDataType(), x.getDevice());
    }

    private static NDArray randint(NDArray x, long low, long high, long n) {
        return JniUtils.randint((PtNDManager) x.getManager(), low, high, new Shape(n), DataType.INT64, x.getDevice());
    }

    private static NDArray arange(NDArray x, long n) {
        Device d = x.getDevice();
        return JniUtils.arange((PtNDManager) x.getManager(), 0, n, 1, DataType.INT64, d, SparseFormat.DENSE);
    }
}
