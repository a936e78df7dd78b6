package org.fewgen.data;

import org.fewgen.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads an {@link ImageSet} from a source named on the command line:
 * <ul>
 *   <li>a folder, searched recursively, of PNG/JPEG/BMP/GIF/SVG files (other files are ignored);</li>
 *   <li>a {@code .zip} of such files (e.g. one written by {@code fewgen data prepare});</li>
 *   <li>an MNIST-style IDX image file, gzip or raw ({@code (N, H, W)} grey or {@code (N, H, W, 1|3)});</li>
 *   <li>{@code mnist} or {@code mnist:N} (the first N images) for
 *       {@code $FEWGEN_DATA/mnist/train-images-idx3-ubyte.gz};</li>
 *   <li>{@code openmoji:<category>[/<subcategory>]} for the SVG folder {@code $FEWGEN_DATA/openmoji/<category>};</li>
 *   <li>{@code builtin:shapes} or {@code builtin:shapes:N} ({@link ProceduralShapes}, no files needed);</li>
 *   <li>{@code builtin:digits} or {@code builtin:digits:N} ({@link ProceduralDigits}, no files needed);</li>
 *   <li>a dataset cache file ({@code .safetensors}) written by this class.</li>
 * </ul>
 * Files are taken in sorted path order, so a source always gives the same image order.
 *
 * <p>Decoded sets are cached as a compact uint8 tensor file in a cache folder (default
 * {@code ~/.cache/fewgen/datasets}, or {@code $FEWGEN_CACHE/datasets}), keyed by the source path, every
 * file's size and modification time, the resolution and the transform: a second load of the
 * same data reads one file and decodes nothing. A damaged cache file is reported, ignored and
 * rebuilt.
 */
public final class ImageSources {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSources.class);


    /**
     * How to load.
     *
     * @param cacheDir where decoded sets are cached; null disables the cache
     * @param limit at most this many images (the first ones in order); 0 = all
     * @param progress shows the decoding (not a cache hit); null for none
     */
    public record LoadConfig(Path cacheDir, int limit, Progress.Factory progress) {

        public LoadConfig {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0, got " + limit);
            }
        }

        /** The default cache folder, no limit, no progress. */
        public static LoadConfig defaults() {
            return new LoadConfig(DatasetCache.defaultDir(), 0, null);
        }

        public LoadConfig withCacheDir(Path dir) {
            return new LoadConfig(dir, limit, progress);
        }

        public LoadConfig withLimit(int n) {
            return new LoadConfig(cacheDir, n, progress);
        }

        public LoadConfig withProgress(Progress.Factory p) {
            return new LoadConfig(cacheDir, limit, p);
        }
    }

    /** Files decoded so far in this JVM (lets tests see that a cache hit decodes nothing). */
    static final AtomicLong DECODED_FILES = new AtomicLong();

    private static final int CACHE_KEY_VERSION = 1;

    private ImageSources() {
    }

    /** The default cache folder: {@code $FEWGEN_CACHE/datasets}, else {@code ~/.cache/fewgen/datasets}. */
    public static Path defaultCacheDir() {
        return DatasetCache.defaultDir();
    }

    /**
     * Writes {@code set} atomically as a fewgen dataset file (safetensors with one U8 tensor
     * {@code pixels} (N, 3, R, R) and metadata), which {@link #load} accepts as a source.
     */
    public static void writeTensorFile(Path file, ImageSet set, Transform transform) throws IOException {
        DatasetCache.write(file, set, null, transform);
    }

    /** Loads with the default cache folder. */
    public static ImageSet load(String source, int resolution, Transform transform) {
        return load(source, resolution, transform, LoadConfig.defaults());
    }

    /** Loads with the given cache folder (null: no cache) and progress callback (null: none). */
    public static ImageSet load(String source, int resolution, Transform transform, Path cacheDir,
                                Progress.Factory progress) {
        return load(source, resolution, transform, new LoadConfig(cacheDir, 0, progress));
    }

    /**
     * Loads {@code source} as R×R images.
     *
     * @throws DataException when the source does not exist, cannot be read, or has no decodable image
     */
    public static ImageSet load(String source, int resolution, Transform transform, LoadConfig config) {
        if (resolution < 1 || resolution > 4096) {
            throw new IllegalArgumentException("resolution must be in 1..4096, got " + resolution);
        }
        Transform t = transform == null ? Transform.CENTER_CROP : transform;
        SourceSpec spec = resolve(source, System.getenv("FEWGEN_DATA"));
        int limit = config.limit() > 0 ? config.limit() : spec.limit;
        if (config.limit() > 0 && spec.limit > 0) {
            limit = Math.min(config.limit(), spec.limit);
        }
        try {
            return switch (spec.kind) {
                case CACHE_FILE -> loadCacheFile(source, spec.path, resolution, t);
                case SHAPES, DIGITS, FOLDER, ZIP, IDX -> loadCached(source, spec, resolution, t, limit, config);
            };
        } catch (IOException e) {
            throw new DataException(source + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new DataException(source + ": " + e.getCause().getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- resolving names

    enum Kind { FOLDER, ZIP, IDX, SHAPES, DIGITS, CACHE_FILE }

    record SourceSpec(Kind kind, Path path, int limit) {
    }

    /** Resolves a source name; {@code dataRoot} is the value of FEWGEN_DATA (may be null). */
    static SourceSpec resolve(String source, String dataRoot) {
        if (source == null || source.isBlank()) {
            throw new DataException("no data source given (a folder, a .zip, an IDX file, mnist, openmoji:<category>"
                    + " or builtin:shapes / builtin:digits)");
        }
        String s = source.trim();
        if (s.startsWith("builtin:")) {
            String rest = s.substring("builtin:".length());
            if (rest.equals("shapes")) {
                return new SourceSpec(Kind.SHAPES, null, 0);
            }
            if (rest.startsWith("shapes:")) {
                return new SourceSpec(Kind.SHAPES, null, parseCount(source, rest.substring("shapes:".length())));
            }
            if (rest.equals("digits")) {
                return new SourceSpec(Kind.DIGITS, null, 0);
            }
            if (rest.startsWith("digits:")) {
                return new SourceSpec(Kind.DIGITS, null, parseCount(source, rest.substring("digits:".length())));
            }
            throw new DataException(source + ": unknown built-in dataset (available: builtin:shapes, builtin:shapes:N,"
                    + " builtin:digits, builtin:digits:N)");
        }
        if (s.equals("mnist") || s.startsWith("mnist:")) {
            int limit = s.equals("mnist") ? 0 : parseCount(source, s.substring("mnist:".length()));
            Path dir = dataFolder(source, dataRoot).resolve("mnist");
            for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-images-idx3-ubyte",
                    "train-images.idx3-ubyte"}) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    return new SourceSpec(Kind.IDX, dir.resolve(name), limit);
                }
            }
            throw new DataException(source + ": no train-images-idx3-ubyte(.gz) in " + dir
                    + " ($FEWGEN_DATA/mnist); or pass the path of an IDX image file");
        }
        if (s.startsWith("openmoji:")) {
            String cat = s.substring("openmoji:".length());
            Path root = dataFolder(source, dataRoot).resolve("openmoji");
            if (cat.isEmpty() || cat.contains("..")) {
                throw new DataException(source + ": expected openmoji:<category>, e.g. openmoji:animals-nature"
                        + available(root));
            }
            Path dir = root.resolve(cat);
            if (!Files.isDirectory(dir)) {
                throw new DataException(source + ": no such folder under $FEWGEN_DATA/openmoji (" + dir + ")"
                        + available(root));
            }
            return new SourceSpec(Kind.FOLDER, dir, 0);
        }
        Path p = Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
        if (Files.isDirectory(p)) {
            return new SourceSpec(Kind.FOLDER, p, 0);
        }
        if (!Files.exists(p)) {
            throw new DataException(source + ": no such file or folder (expected a folder of images, a .zip, an IDX"
                    + " file, mnist, openmoji:<category>, builtin:shapes or builtin:digits)");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new DataException(source + ": not a readable file or folder");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(p)) {
            head = in.readNBytes(16);
        } catch (IOException e) {
            throw new DataException(source + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return new SourceSpec(Kind.ZIP, p, 0);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return new SourceSpec(Kind.IDX, p, 0);
        }
        if (head.length >= 4 && head[0] == 0 && head[1] == 0 && (head[3] == 3 || head[3] == 4)) {
            return new SourceSpec(Kind.IDX, p, 0);
        }
        if (DatasetCache.metadata(p) != null) {
            return new SourceSpec(Kind.CACHE_FILE, p, 0);
        }
        if (head.length == 0) {
            throw new DataException(source + ": empty file (expected a folder of images, a .zip, an IDX file or a"
                    + " fewgen dataset file)");
        }
        throw new DataException(source + ": not a folder, .zip, IDX file or fewgen dataset file");
    }

    private static int parseCount(String source, String text) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DataException(source + ": '" + text + "' is not a positive image count");
    }

    private static Path dataFolder(String source, String dataRoot) {
        if (dataRoot == null || dataRoot.isBlank()) {
            throw new DataException(source + ": the FEWGEN_DATA environment variable is not set; set it to the folder"
                    + " holding mnist/ and openmoji/, or pass the path of the data instead");
        }
        Path root = Path.of(dataRoot);
        if (!Files.isDirectory(root)) {
            throw new DataException(source + ": FEWGEN_DATA=" + dataRoot + " is not a folder");
        }
        return root;
    }

    private static String available(Path openmojiRoot) {
        try (Stream<Path> s = Files.list(openmojiRoot)) {
            String names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.joining(", "));
            return names.isEmpty() ? "" : "; categories: " + names;
        } catch (IOException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------- loading

    /** One input file: a display name, what identifies its version, and how to read it. */
    private record Entry(String name, long size, long mtime, IoSupplier bytes) {
    }

    @FunctionalInterface
    private interface IoSupplier {
        byte[] get() throws IOException;
    }

    private static ImageSet loadCacheFile(String label, Path file, int resolution, Transform t) throws IOException {
        ImageSet set = DatasetCache.read(file, null, label);
        if (set.resolution() != resolution) {
            throw new IOException("prepared at " + set.resolution() + "x" + set.resolution() + ", not " + resolution
                    + "x" + resolution + " (prepare it again with --res " + resolution + ")");
        }
        return set;
    }

    private static ImageSet loadCached(String label, SourceSpec spec, int resolution, Transform t, int limit,
                                       LoadConfig config) throws IOException {
        List<Entry> entries = spec.kind == Kind.IDX || spec.kind == Kind.SHAPES || spec.kind == Kind.DIGITS
                ? List.of() : listEntries(spec);
        String key = cacheKey(spec, entries, resolution, t, limit);
        Path cacheFile = null;
        if (config.cacheDir() != null) {
            cacheFile = config.cacheDir().resolve(slug(label) + "-" + resolution + "-" + t.cliName() + "-"
                    + key.substring(0, 16) + ".safetensors");
            if (Files.isRegularFile(cacheFile)) {
                try {
                    ImageSet cached = DatasetCache.read(cacheFile, key, label);
                    LOG.info("{}: {} images of {}x{} from cache {}", label, cached.size(), resolution, resolution,
                            cacheFile);
                    return cached;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: ignoring damaged cache file {} ({}); decoding the source again", label, cacheFile,
                            e.getMessage());
                }
            }
        }
        ImageSet set = switch (spec.kind) {
            case SHAPES -> ProceduralShapes.imageSet(label, limit > 0 ? limit : ProceduralShapes.DEFAULT_COUNT,
                    resolution, ProceduralShapes.DEFAULT_SEED);
            case DIGITS -> ProceduralDigits.imageSet(label, limit > 0 ? limit : ProceduralDigits.DEFAULT_COUNT,
                    resolution, ProceduralDigits.DEFAULT_SEED);
            case IDX -> decodeIdx(label, spec.path, resolution, t, limit, config.progress());
            default -> decodeEntries(label, entries, resolution, t, limit, config.progress());
        };
        if (cacheFile != null) {
            try {
                DatasetCache.write(cacheFile, set, key, t);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not write the dataset cache ({}); the next run decodes again", label,
                        e.getMessage());
            }
        }
        return set;
    }

    private static List<Entry> listEntries(SourceSpec spec) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (spec.kind == Kind.FOLDER) {
            Path root = spec.path;
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(Files::isRegularFile).filter(p -> !isHidden(root.relativize(p)))
                        .collect(Collectors.toList());
            }
            for (Path f : files) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (!ImageDecoding.isImageName(rel)) {
                    entries.add(new Entry(rel, -1, -1, null));
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                entries.add(new Entry(rel, a.size(), a.lastModifiedTime().toMillis(), () -> Files.readAllBytes(f)));
            }
        } else {
            try (ZipFile zip = new ZipFile(spec.path.toFile())) {
                var it = zip.entries();
                while (it.hasMoreElements()) {
                    ZipEntry e = it.nextElement();
                    // dataset.json describes a zip written by `fewgen data prepare`; it is not data.
                    if (e.isDirectory() || isHidden(Path.of(e.getName())) || e.getName().startsWith("__MACOSX/")
                            || e.getName().equals("dataset.json")) {
                        continue;
                    }
                    if (!ImageDecoding.isImageName(e.getName())) {
                        entries.add(new Entry(e.getName(), -1, -1, null));
                        continue;
                    }
                    byte[] data;
                    try (InputStream in = zip.getInputStream(e)) {
                        data = in.readAllBytes();
                    } catch (IOException | RuntimeException ex) {
                        String why = ex.getMessage();
                        entries.add(new Entry(e.getName(), e.getSize(), e.getCrc(), () -> {
                            throw new IOException("cannot read from the zip (" + why + ")");
                        }));
                        continue;
                    }
                    entries.add(new Entry(e.getName(), e.getSize(), e.getCrc(), () -> data));
                }
            } catch (java.util.zip.ZipException e) {
                throw new IOException("not a readable zip file (" + e.getMessage() + ")", e);
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    private static boolean isHidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Progress start(Progress.Factory progress, String label, int n) {
        return (progress == null ? Progress.NONE : progress).start("decoding " + label, n);
    }

    private static ImageSet decodeEntries(String label, List<Entry> all, int resolution, Transform t, int limit,
                                          Progress.Factory progress) {
        List<Entry> images = all.stream().filter(e -> e.bytes != null).collect(Collectors.toList());
        int ignored = all.size() - images.size();
        if (limit > 0 && images.size() > limit) {
            images = images.subList(0, limit);
        }
        int n = images.size();
        byte[][] decoded = new byte[n][];
        String[] failures = new String[n];
        List<Entry> work = images;
        try (Progress bar = start(progress, label, n)) {
            IntStream.range(0, n).parallel().forEach(i -> {
                Entry e = work.get(i);
                try {
                    decoded[i] = ImageDecoding.decode(e.name, e.bytes.get(), resolution, t);
                    DECODED_FILES.incrementAndGet();
                } catch (ImageDecoding.UndecodableException | IOException ex) {
                    failures[i] = e.name + " (" + ex.getMessage() + ")";
                } catch (RuntimeException | OutOfMemoryError ex) {
                    failures[i] = e.name + " (" + ex.getClass().getSimpleName()
                            + (ex.getMessage() == null ? "" : ": " + ex.getMessage()) + ")";
                }
                bar.advance(1);
            });
        }
        List<String> skipped = new ArrayList<>();
        List<byte[]> ok = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (decoded[i] != null) {
                ok.add(decoded[i]);
            } else {
                skipped.add(failures[i]);
            }
        }
        return assemble(label, resolution, ok, skipped, n, ignored);
    }

    private static ImageSet assemble(String label, int resolution, List<byte[]> ok, List<String> skipped,
                                     int candidates, int ignored) {
        if (!skipped.isEmpty()) {
            LOG.warn("{}: skipped {} of {} files that could not be decoded: {}", label, skipped.size(), candidates,
                    String.join(", ", skipped));
        }
        if (ok.isEmpty()) {
            if (candidates == 0) {
                throw new DataException(label + ": no image files (PNG, JPEG, BMP, GIF or SVG) found"
                        + (ignored > 0 ? " (" + ignored + " other files ignored)" : ""));
            }
            throw new DataException(label + ": no decodable images (" + skipped.size() + " files skipped: "
                    + abbreviate(skipped) + ")");
        }
        int per = 3 * resolution * resolution;
        byte[] pixels = new byte[ok.size() * per];
        for (int i = 0; i < ok.size(); i++) {
            System.arraycopy(ok.get(i), 0, pixels, i * per, per);
        }
        LOG.info("{}: {} images decoded at {}x{}{}", label, ok.size(), resolution, resolution,
                ignored > 0 ? " (" + ignored + " non-image files ignored)" : "");
        return new ImageSet(label, resolution, pixels, skipped, null);
    }

    private static String abbreviate(List<String> items) {
        if (items.size() <= 5) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, 5)) + ", ... " + (items.size() - 5) + " more";
    }

    private static ImageSet decodeIdx(String label, Path file, int resolution, Transform t, int limit,
                                      Progress.Factory progress) throws IOException {
        Idx.UByteArray arr = Idx.read(file);
        int[] d = arr.dims();
        int channels;
        if (d.length == 3) {
            channels = 1;
        } else if (d.length == 4 && (d[3] == 1 || d[3] == 3)) {
            channels = d[3];
        } else {
            throw new IOException("IDX dimensions " + java.util.Arrays.toString(d)
                    + " are not images (expected (N, H, W) or (N, H, W, 1|3))");
        }
        int h = d[1];
        int w = d[2];
        if (h == 0 || w == 0) {
            throw new IOException("IDX images have no pixels (" + h + "x" + w + ")");
        }
        int n = limit > 0 ? Math.min(limit, arr.count()) : arr.count();
        if (n == 0) {
            throw new DataException(label + ": no decodable images (the IDX file holds 0 images)");
        }
        int per = 3 * resolution * resolution;
        long total = (long) n * per;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException(n + " images at " + resolution + "x" + resolution + " do not fit in memory;"
                    + " take fewer (e.g. mnist:1000)");
        }
        byte[] pixels = new byte[(int) total];
        byte[] data = arr.data();
        int item = arr.itemSize();
        try (Progress bar = start(progress, label, n)) {
            IntStream.range(0, n).parallel().forEach(i -> {
                int[] rgb = new int[h * w];
                int base = i * item;
                for (int p = 0; p < h * w; p++) {
                    if (channels == 1) {
                        int v = data[base + p] & 0xff;
                        rgb[p] = v << 16 | v << 8 | v;
                    } else {
                        int o = base + 3 * p;
                        rgb[p] = (data[o] & 0xff) << 16 | (data[o + 1] & 0xff) << 8 | (data[o + 2] & 0xff);
                    }
                }
                byte[] img = Resampling.squareResize(rgb, w, h, resolution, t);
                System.arraycopy(img, 0, pixels, i * per, per);
                DECODED_FILES.incrementAndGet();
                bar.advance(1);
            });
        }
        LOG.info("{}: {} IDX images of {}x{} as {}x{}", label, n, h, w, resolution, resolution);
        return new ImageSet(label, resolution, pixels, List.of(), null);
    }

    // ---------------------------------------------------------------- cache key

    private static String cacheKey(SourceSpec spec, List<Entry> entries, int resolution, Transform t, int limit)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("fewgen-dataset-key v").append(CACHE_KEY_VERSION).append('\n');
        if (spec.kind == Kind.SHAPES) {
            int n = limit > 0 ? limit : ProceduralShapes.DEFAULT_COUNT;
            sb.append("shapes v").append(ProceduralShapes.VERSION).append(" seed ").append(ProceduralShapes.DEFAULT_SEED)
                    .append(" count ").append(n).append(" resolution ").append(resolution).append('\n');
            return sha256(sb.toString());
        }
        if (spec.kind == Kind.DIGITS) {
            int n = limit > 0 ? limit : ProceduralDigits.DEFAULT_COUNT;
            sb.append("digits v").append(ProceduralDigits.VERSION).append(" seed ").append(ProceduralDigits.DEFAULT_SEED)
                    .append(" count ").append(n).append(" resolution ").append(resolution).append('\n');
            return sha256(sb.toString());
        }
        sb.append(spec.kind).append(' ').append(spec.path.toAbsolutePath().normalize()).append('\n');
        sb.append("resolution ").append(resolution).append(" transform ").append(t.cliName())
                .append(" limit ").append(limit).append('\n');
        if (spec.kind == Kind.FOLDER) {
            for (Entry e : entries) {
                if (e.bytes != null) {
                    sb.append(e.name).append('\t').append(e.size).append('\t').append(e.mtime).append('\n');
                }
            }
        } else {
            BasicFileAttributes a = Files.readAttributes(spec.path, BasicFileAttributes.class);
            sb.append(a.size()).append('\t').append(a.lastModifiedTime().toMillis()).append('\n');
        }
        return sha256(sb.toString());
    }

    private static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String slug(String label) {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 40) {
            s = s.substring(s.length() - 40);
        }
        return s.isEmpty() ? "data" : s;
    }
}
