// Two variants of Inception v3 timed in one JVM, since process-to-process drift on a VM is larger
// than the effects measured (docs/benchmarks.md, "Inception with its batch norms folded" and "bf16
// activations between Inception's layers"). Run it on a quiet machine.
//
//   ./fewgen --version   # builds the jar
//   java -Dai.djl.offline=true -cp fewgen-cli/target/fewgen.jar bench/InceptionAB.java MODE WEIGHTS BATCH TURNS
//
// MODE fold: folded against separate batch norms on one network, the order swapped every turn after
// a warm-up turn; prints the median over the turns of each variant's best of 3 batches, and
// separate/folded. MODE precision: pool3's relative L2 difference between bf16 and fp32, then each
// turn's fp32 and bf16 time for one batch (run it with each jar to compare, alternating).
// WEIGHTS: inception_v3.nsfwjs.safetensors; batches of BATCH random images at 299².
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import org.fewgen.backbone.InceptionV3;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Precision;
import java.nio.file.Path;
import java.util.*;

public class InceptionAB {
    public static void main(String[] a) throws Exception {
        String mode = a[0];
        int batch = Integer.parseInt(a[2]);
        int turns = Integer.parseInt(a[3]);
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3 net = InceptionV3.load(m, Path.of(a[1]), InceptionV3.Variant.NSFWJS);
            NDArray x = m.randomUniform(0f, 1f, new Shape(batch, 3, 299, 299));
            switch (mode) {
                case "fold" -> fold(net, x, m, turns);
                case "precision" -> precision(net, x, m, turns);
                default -> throw new IllegalArgumentException("MODE: fold or precision, not " + mode);
            }
        }
    }

    /** Milliseconds for pool3 of one batch, its input a fresh copy freed afterwards. */
    static double timeMs(InceptionV3 net, NDArray x, NDManager m) {
        try (NDManager sub = m.newSubManager()) {
            NDArray xi = x.duplicate();
            xi.attach(sub);
            long t0 = System.nanoTime();
            net.pool3(xi).toFloatArray();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    static void fold(InceptionV3 net, NDArray x, NDManager m, int turns) {
        List<Double> f = new ArrayList<>(), s = new ArrayList<>();
        for (int r = -1; r < turns; r++) {
            for (boolean folded : new boolean[] {r % 2 == 0, r % 2 != 0}) {
                net.foldBatchNorm(folded);
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    best = Math.min(best, timeMs(net, x, m));
                }
                if (r >= 0) {
                    (folded ? f : s).add(best);
                }
            }
        }
        Collections.sort(f);
        Collections.sort(s);
        double fm = f.get(f.size() / 2), sm = s.get(s.size() / 2);
        System.out.printf("batch %d rounds %d: folded median %.1f ms (%s), separate median %.1f ms (%s), separate/folded %.3f%n",
                x.getShape().get(0), turns, fm, f, sm, s, sm / fm);
    }

    static void precision(InceptionV3 net, NDArray x, NDManager m, int turns) {
        NDArray f32 = net.pool3(x);
        NDArray b16;
        try (Autocast.Scope s = Autocast.enter(Precision.BF16)) {
            b16 = net.pool3(x);
        }
        System.out.println("type " + b16.getDataType() + " rel L2 " + b16.sub(f32).norm().getFloat() / f32.norm().getFloat());
        for (int t = 0; t < turns; t++) {
            for (Precision p : new Precision[] {Precision.FP32, Precision.BF16}) {
                try (Autocast.Scope s = Autocast.enter(p)) {
                    System.out.printf("%s %.0f ms  ", p, timeMs(net, x, m));
                }
            }
            System.out.println();
        }
    }
}
