package org.fewgen;

import org.fewgen.backbone.NsfwjsImport;
import org.fewgen.io.AtomicFiles;
import org.fewgen.io.NpmPackage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where tests find data and weights.
 *
 * <p>With {@code FEWGEN_DATA} and {@code FEWGEN_WEIGHTS} set (as {@code .ci/run} sets them to
 * {@code ../shared}), the folders they name are used as they are: the full MNIST, OpenMoji and the
 * converted weights, offline.
 *
 * <p>Unset, the suite builds what it needs in the cache ({@code $FEWGEN_CACHE}, else
 * {@code ~/.cache/fewgen}) from sources anyone can reach: a committed subset of MNIST (3000
 * training and 500 test digits, {@code src/test/resources/org/fewgen/mnist-subset}), OpenMoji's SVGs
 * from the npm package {@value #OPENMOJI_ID}, and the weights converted from the npm package
 * nsfwjs@4.4.0 by {@link NsfwjsImport}. Both packages are checked against pinned SHA-256 values;
 * only the first run needs the network (registry.npmjs.org, about 29 MB).
 *
 * <p>A test that needs data that is neither there nor obtainable fails with a message saying what
 * is missing, instead of passing without checking anything.
 */
public final class TestEnv {

    /** The OpenMoji release whose {@code src/} tree is the {@code openmoji/} folder of ../shared/data. */
    public static final NpmPackage OPENMOJI = new NpmPackage("openmoji", "17.0.0",
            "55ee7d13485dec86e9f38c1f3a645a13382d33ff97c0cd845ee824b0aef45e68");
    static final String OPENMOJI_ID = "openmoji@17.0.0";

    /** The MNIST files of the committed subset. */
    static final String[] MNIST_FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    private static Path weights;
    private static Path data;

    private TestEnv() {
    }

    /** Whether {@code FEWGEN_DATA} names the data folder (so {@link #mnist()} is the full MNIST). */
    public static boolean sharedData() {
        return set("FEWGEN_DATA");
    }

    /**
     * The folder holding {@code mnist/} and {@code openmoji/}: {@code $FEWGEN_DATA}, else the test
     * data in the cache (the MNIST subset and OpenMoji, fetched on first use).
     */
    public static synchronized Path data() {
        if (sharedData()) {
            return folder("FEWGEN_DATA", "mnist/ and openmoji/");
        }
        if (data == null) {
            Path root = NpmPackage.defaultCacheRoot().resolve("test-data");
            mnistSubset(root.resolve("mnist"));
            openMoji(root.resolve("openmoji"));
            data = root;
        }
        return data;
    }

    /**
     * The MNIST folder: {@code $FEWGEN_DATA/mnist} (60 000 + 10 000 digits), else the committed
     * subset: the first 2500 and the 500 from 50 000 on of the training file, so that
     * {@code CsData.loadMnist} puts the same digits in the same splits up to 2500 training, 500
     * validation and 500 test images; and the first 500 test digits.
     */
    public static Path mnist() {
        if (sharedData()) {
            return folder("FEWGEN_DATA", "mnist/ and openmoji/").resolve("mnist");
        }
        Path dir = NpmPackage.defaultCacheRoot().resolve("test-data").resolve("mnist");
        mnistSubset(dir);
        return dir;
    }

    /**
     * The folder holding {@code mobilenetv2_100.nsfwjs.safetensors} and
     * {@code inception_v3.nsfwjs.safetensors}: {@code $FEWGEN_WEIGHTS}, else the cache's
     * {@code weights/}, filled by the importer on first use.
     */
    public static synchronized Path weights() {
        if (set("FEWGEN_WEIGHTS")) {
            return folder("FEWGEN_WEIGHTS", "the *.safetensors weights");
        }
        if (weights == null) {
            Path cache = NpmPackage.defaultCacheRoot();
            Path dir = cache.resolve("weights");
            try {
                for (NsfwjsImport.Model m : NsfwjsImport.Model.values()) {
                    NsfwjsImport.ensure(m, dir, cache, System.err::println);
                }
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("FEWGEN_WEIGHTS is not set and the weights could not be imported into "
                        + dir + " from npm (" + e.getMessage() + "); set FEWGEN_WEIGHTS to a folder with the"
                        + " safetensors files or allow access to the npm registry once", e);
            }
            weights = dir;
        }
        return weights;
    }

    /**
     * {@code reference_outputs.json}: the outputs of the original nsfwjs 4.4.0 tfjs models for three
     * synthetic inputs (committed beside this class; provenance in its NOTICE).
     */
    public static String referenceOutputs() {
        try (InputStream in = TestEnv.class.getResourceAsStream("reference_outputs.json")) {
            if (in == null) {
                throw new AssertionError("org/fewgen/reference_outputs.json is missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean set(String var) {
        String v = System.getenv(var);
        return v != null && !v.isBlank();
    }

    private static Path folder(String var, String what) {
        String v = System.getenv(var);
        Path p = Path.of(v);
        if (!Files.isDirectory(p)) {
            throw new AssertionError(var + "=" + v + " is not a folder (expected " + what
                    + "; unset it to use the test data fetched into the cache)");
        }
        return p;
    }

    /** Copies the committed subset out of the (possibly jarred) test resources, so child processes can read it. */
    private static synchronized void mnistSubset(Path dir) {
        try {
            for (String name : MNIST_FILES) {
                byte[] bytes;
                try (InputStream in = TestEnv.class.getResourceAsStream("mnist-subset/" + name)) {
                    if (in == null) {
                        throw new AssertionError("org/fewgen/mnist-subset/" + name + " is missing from the test classpath");
                    }
                    bytes = in.readAllBytes();
                }
                Path target = dir.resolve(name);
                if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
                    AtomicFiles.writeBytes(target, bytes);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("could not copy the MNIST test subset into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code src/} of the OpenMoji package, laid out as {@code openmoji/<group>/<subgroup>/<hex>.svg}. */
    private static void openMoji(Path dir) {
        Path marker = dir.resolve(".package");
        try {
            if (Files.isRegularFile(marker) && Files.readString(marker).equals(OPENMOJI_ID)) {
                return;
            }
            Path tarball = OPENMOJI.fetch(NpmPackage.defaultCacheRoot(), System.err::println);
            Path parent = Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(parent, ".openmoji-");
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            try {
                NpmPackage.read(tarball, p -> (p.startsWith("src/") && p.endsWith(".svg")) || p.equals("LICENSE.txt"),
                        (p, bytes) -> {
                            Path f = tmp.resolve(p.startsWith("src/") ? p.substring(4) : p);
                            Files.createDirectories(f.getParent());
                            Files.write(f, bytes);
                        });
                Files.writeString(tmp.resolve(".package"), OPENMOJI_ID);
                deleteTree(dir);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // another test JVM finished first (the target is not empty); its copy is the same
                    if (!Files.isRegularFile(marker)) {
                        throw e;
                    }
                }
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new AssertionError("FEWGEN_DATA is not set and OpenMoji (" + OPENMOJI_ID + ") could not be"
                    + " fetched into " + dir + " (" + e.getMessage() + "); set FEWGEN_DATA to a folder with mnist/"
                    + " and openmoji/ or allow access to the npm registry once", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
