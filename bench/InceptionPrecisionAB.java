// Inception v3 in fp32 and bf16 in one JVM (docs/benchmarks.md, "bf16 activations between Inception's
// layers"): prints pool3's relative L2 difference between the two, then each turn's fp32 and bf16 time
// for one batch; run it with the jars to compare, alternating, on a quiet machine.
//
//   ./fewgen --version   # builds the jar
//   java -Dai.djl.offline=true -cp fewgen-cli/target/fewgen.jar bench/InceptionPrecisionAB.java WEIGHTS BATCH TURNS
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import org.fewgen.backbone.InceptionV3;
import org.fewgen.nn.Autocast;
import org.fewgen.nn.Precision;
import java.nio.file.Path;

public class InceptionPrecisionAB {
    public static void main(String[] a) throws Exception {
        int batch = Integer.parseInt(a[1]); int turns = Integer.parseInt(a[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3 net = InceptionV3.load(m, Path.of(a[0]), InceptionV3.Variant.NSFWJS);
            NDArray x = m.randomUniform(0f, 1f, new Shape(batch, 3, 299, 299));
            NDArray f32 = net.pool3(x);
            NDArray b16;
            try (Autocast.Scope s = Autocast.enter(Precision.BF16)) { b16 = net.pool3(x); }
            System.out.println("type " + b16.getDataType() + " rel L2 " + b16.sub(f32).norm().getFloat() / f32.norm().getFloat());
            for (int t = 0; t < turns; t++) {
                for (Precision p : new Precision[] {Precision.FP32, Precision.BF16}) {
                    long t0 = System.nanoTime();
                    try (NDManager sub = m.newSubManager(); Autocast.Scope s = Autocast.enter(p)) {
                        NDArray xi = x.duplicate(); xi.attach(sub);
                        net.pool3(xi).toFloatArray();
                    }
                    System.out.printf("%s %.0f ms  ", p, (System.nanoTime() - t0) / 1e6);
                }
                System.out.println();
            }
        }
    }
}
