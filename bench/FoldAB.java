// Folded against separate batch norm in Inception v3, in one JVM (docs/benchmarks.md, "Inception with
// its batch norms folded"): process-to-process drift on a VM is larger than the effect, so both
// variants of one loaded network alternate on the same input, the order swapped every turn.
//
//   ./fewgen --version   # builds the jar
//   java -Dai.djl.offline=true -cp fewgen-cli/target/fewgen.jar bench/FoldAB.java WEIGHTS BATCH TURNS
//
// WEIGHTS: inception_v3.nsfwjs.safetensors. Prints the median over the turns of each variant's best
// of 3 batches, and separate/folded.
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import org.fewgen.backbone.InceptionV3;
import java.nio.file.Path;
import java.util.*;

public class FoldAB {
    public static void main(String[] a) throws Exception {
        Path w = Path.of(a[0]); int batch = Integer.parseInt(a[1]); int rounds = Integer.parseInt(a[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3 net = InceptionV3.load(m, w, InceptionV3.Variant.NSFWJS);
            NDArray x = m.randomUniform(0f, 1f, new Shape(batch, 3, 299, 299));
            List<Double> f = new ArrayList<>(), s = new ArrayList<>();
            for (int r = -1; r < rounds; r++) {
                for (boolean fold : new boolean[] {r % 2 == 0, r % 2 != 0}) {
                    net.foldBatchNorm(fold);
                    long best = Long.MAX_VALUE;
                    for (int i = 0; i < 3; i++) {
                        try (NDManager sub = m.newSubManager()) {
                            NDArray xi = x.duplicate(); xi.attach(sub);
                            long t0 = System.nanoTime();
                            NDArray p = net.pool3(xi); p.toFloatArray();
                            best = Math.min(best, System.nanoTime() - t0);
                        }
                    }
                    if (r >= 0) (fold ? f : s).add(best / 1e6);
                }
            }
            Collections.sort(f); Collections.sort(s);
            System.out.printf("batch %d rounds %d: folded median %.1f ms (%s), separate median %.1f ms (%s), separate/folded %.3f%n",
                batch, rounds, f.get(f.size() / 2), f, s.get(s.size() / 2), s, s.get(s.size() / 2) / f.get(f.size() / 2));
        }
    }
}
