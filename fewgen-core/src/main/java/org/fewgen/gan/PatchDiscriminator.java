package org.fewgen.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.fewgen.nn.DownBlock;
import org.fewgen.nn.Layer;
import org.fewgen.nn.Module;
import org.fewgen.nn.Sequential;
import org.fewgen.nn.SpectralConv2d;

import java.util.Map;
import java.util.TreeMap;

/**
 * One of the four discriminator heads (the reference's {@code SingleDisc}): down-blocks from a
 * nominal start size down to 8, then a spectral-norm 4×4 conv to one channel. Child {@code main}
 * ({@code main.0 … main.{n−1}} down-blocks, {@code main.n} the final conv).
 * {@code (N, C_in, H, W) → (N, 1, H/2^n − 3, W/2^n − 3)}: a grid of patch logits.
 *
 * <p>Widths follow the reference's table by nominal size (8→512, 16→256, 32→128, 64→64, 128→64, …),
 * with the input width {@code C_in} at the start size.
 */
public class PatchDiscriminator extends Module implements Layer {

    private static final Map<Integer, Integer> WIDTH_BY_SIZE = new TreeMap<>(Map.of(
            4, 512, 8, 512, 16, 256, 32, 128, 64, 64, 128, 64, 256, 32, 512, 16, 1024, 8));
    /** Nominal size at which the down-blocks stop. */
    static final int END_SIZE = 8;

    private final Sequential main;
    private final int startSize;

    /**
     * @param inChannels channels of the projected map this head sees
     * @param startSize nominal side length of that map (snapped to the nearest table size)
     * @param separable depthwise separable down-blocks ({@code --d-conv dsc})
     */
    public PatchDiscriminator(NDManager manager, int inChannels, int startSize, boolean separable) {
        super(manager);
        this.startSize = nearestTableSize(startSize);
        Map<Integer, Integer> widths = new TreeMap<>(WIDTH_BY_SIZE);
        widths.put(this.startSize, inChannels);
        Sequential s = new Sequential(manager);
        for (int size = this.startSize; size > END_SIZE; size /= 2) {
            s.add(new DownBlock(manager, widths.get(size), widths.get(size / 2), separable));
        }
        s.add(new SpectralConv2d(manager, widths.get(END_SIZE), 1, 4, 1, 0, false));
        main = addChild("main", s);
    }

    /** The table size closest to {@code size} (the reference snaps sizes that are not powers of two). */
    static int nearestTableSize(int size) {
        int best = -1;
        for (int s : WIDTH_BY_SIZE.keySet()) {
            if (best < 0 || Math.abs(s - size) < Math.abs(best - size)) {
                best = s;
            }
        }
        return best;
    }

    public int startSize() {
        return startSize;
    }

    /** Number of down-blocks. */
    public int depth() {
        return main.size() - 1;
    }

    @Override
    public NDArray forward(NDArray x) {
        return main.forward(x);
    }
}
