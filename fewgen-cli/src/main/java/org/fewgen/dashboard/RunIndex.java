package org.fewgen.dashboard;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.fewgen.train.TrainConfig;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds and reads the runs under the served root: GAN run folders ({@code config.json} with a
 * training config, or any {@code metrics.jsonl} with {@code loss_G} lines, such as a reference run
 * written in the same format), UAE run folders, UAE comparison folders ({@code results.json}) and
 * benchmark JSON files ({@code fewgen bench gan --json}). Read-only: nothing under the root is
 * written.
 */
public final class RunIndex {

    /** How deep under the root run folders are looked for. */
    static final int MAX_DEPTH = 4;
    /** A run without a live process is called running while its files changed this recently. */
    static final long FRESH_SECONDS = 180;

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private static final Pattern FAKES = Pattern.compile("^fakes_(\\d{6}(?:\\.\\d{3})?)\\.png$");
    private static final Pattern SNAPSHOT = Pattern.compile("^snapshot-(\\d{6}(?:\\.\\d{3})?)\\.safetensors$");
    private static final Pattern EXAMPLES = Pattern.compile("^examples-m(\\d+)\\.png$");

    private final SafePaths paths;
    private final Map<Path, Parsed> metricsCache = new ConcurrentHashMap<>();

    public RunIndex(SafePaths paths) {
        this.paths = paths;
    }

    public SafePaths paths() {
        return paths;
    }

    /** The kinds of run the dashboard shows. */
    public enum Kind {
        GAN("gan"), UAE("uae"), UAE_COMPARE("uae-compare"), BENCH("bench");

        final String id;

        Kind(String id) {
            this.id = id;
        }
    }

    record Found(Kind kind, Path path) {
    }

    /** Every run under the root, newest first. */
    public JsonObject list() throws IOException {
        JsonArray runs = new JsonArray();
        for (Found f : scan()) {
            try {
                runs.add(summary(f));
            } catch (IOException | RuntimeException e) {
                JsonObject o = new JsonObject();
                o.addProperty("id", paths.idOf(f.path()));
                o.addProperty("kind", f.kind().id);
                o.addProperty("name", f.path().getFileName().toString());
                o.addProperty("status", "unreadable");
                o.addProperty("error", String.valueOf(e.getMessage()));
                runs.add(o);
            }
        }
        JsonObject out = new JsonObject();
        out.addProperty("root", paths.root().toString());
        out.addProperty("now", Instant.now().toString());
        out.add("runs", runs);
        return out;
    }

    List<Found> scan() throws IOException {
        Path root = paths.resolve(".").orElseThrow();
        List<Found> found = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        Optional<Kind> k = folderKind(dir);
                        if (k.isPresent()) {
                            found.add(new Found(k.get(), dir));
                            // a comparison keeps its UAE runs below it; other runs hold no runs
                            return k.get() == Kind.UAE_COMPARE ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        String name = file.getFileName().toString();
                        if (attrs.isRegularFile() && name.endsWith(".json") && !name.startsWith(".")
                                && attrs.size() < 8 << 20 && isBench(file)) {
                            found.add(new Found(Kind.BENCH, file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        Map<Path, Instant> times = new java.util.HashMap<>();
        found.forEach(f -> times.put(f.path(), modified(f.path())));
        found.sort(Comparator.comparing((Found f) -> times.get(f.path())).reversed()
                .thenComparing(f -> f.path().toString()));
        return found;
    }

    static Optional<Kind> folderKind(Path dir) {
        Path cfg = dir.resolve("config.json");
        Path metrics = dir.resolve("metrics.jsonl");
        if (Files.isRegularFile(cfg)) {
            JsonObject c = readJson(cfg).filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject).orElse(null);
            if (c != null && c.has("config") && c.get("config").isJsonObject()
                    && c.getAsJsonObject("config").has("generator")) {
                return Optional.of(Kind.GAN);
            }
            if (c != null && (Files.exists(dir.resolve("summary.json")) || Files.exists(dir.resolve("checkpoint.safetensors"))
                    || c.has("measurements"))) {
                return Optional.of(Kind.UAE);
            }
        }
        if (Files.isRegularFile(dir.resolve("results.json"))) {
            Optional<JsonElement> r = readJson(dir.resolve("results.json"));
            if (r.isPresent() && r.get().isJsonArray()) {
                return Optional.of(Kind.UAE_COMPARE);
            }
        }
        if (Files.isRegularFile(metrics)) {
            String head = head(metrics, 4096);
            if (head.contains("\"loss_G\"") || head.contains("\"event\":\"start\"") && head.contains("\"generator\"")) {
                return Optional.of(Kind.GAN);
            }
            if (head.contains("\"epoch\"")) {
                return Optional.of(Kind.UAE);
            }
        }
        return Optional.empty();
    }

    static boolean isBench(Path file) {
        if (!head(file, 2048).contains("\"machine\"")) {
            return false;
        }
        return readJson(file).filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject)
                .map(o -> o.has("configurations") && o.get("configurations").isJsonArray()).orElse(false);
    }

    /** Finds one run by id, or empty when the id names nothing the index would list. */
    public Optional<Found> find(String id) {
        Optional<Path> p = paths.resolve(id);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        Path path = p.get();
        if (Files.isDirectory(path)) {
            return folderKind(path).map(k -> new Found(k, path));
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".json") && isBench(path)) {
            return Optional.of(new Found(Kind.BENCH, path));
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- summaries

    JsonObject summary(Found f) throws IOException {
        return switch (f.kind()) {
            case GAN -> ganSummary(f.path());
            case UAE -> uaeSummary(f.path());
            case UAE_COMPARE -> compareSummary(f.path());
            case BENCH -> benchSummary(f.path());
        };
    }

    private JsonObject base(Kind kind, Path path) {
        JsonObject o = new JsonObject();
        o.addProperty("id", paths.idOf(path));
        o.addProperty("kind", kind.id);
        o.addProperty("name", path.getFileName() == null ? path.toString() : path.getFileName().toString());
        o.addProperty("updated", modified(path).toString());
        return o;
    }

    JsonObject ganSummary(Path dir) throws IOException {
        JsonObject o = base(Kind.GAN, dir);
        JsonObject cfgFile = readJson(dir.resolve("config.json")).filter(JsonElement::isJsonObject)
                .map(JsonElement::getAsJsonObject).orElse(new JsonObject());
        JsonObject config = ganConfig(cfgFile);
        JsonObject prov = obj(cfgFile, "provenance");
        Parsed m = metrics(dir.resolve("metrics.jsonl"));
        if (config.size() == 0 && m.startConfig != null) {
            config = nested(m.startConfig);
        }
        JsonObject generator = obj(config, "generator");
        JsonObject run = obj(config, "run");
        copy(run, "data", o, "data");
        lower(generator, "conv", o, "generator");
        lower(obj(config, "discriminator"), "headConv", o, "d_conv");
        copy(generator, "resolution", o, "resolution");
        copy(run, "batch", o, "batch");
        copy(generator, "ngf", o, "ngf");
        copy(run, "kimg", o, "target_kimg");
        copy(prov, "started", o, "started");
        copy(prov, "device", o, "device");
        if (m.last != null) {
            copy(m.last, "kimg", o, "kimg");
            copy(m.last, "step", o, "step");
            copy(m.last, "img_per_s", o, "img_per_s");
            copy(m.last, "seconds", o, "train_seconds");
        }
        if (m.lastKimg >= 0 && (!o.has("kimg") || o.get("kimg").getAsDouble() < m.lastKimg)) {
            o.addProperty("kimg", m.lastKimg);
        }
        if (m.endSeconds >= 0 && "end".equals(m.lifecycle)) {
            o.addProperty("train_seconds", m.endSeconds);
        }
        if (m.lastFid != null) {
            o.addProperty("last_fid", m.lastFid);
        }
        if (m.lastKid != null) {
            o.addProperty("last_kid", m.lastKid);
        }
        String status = ganStatus(m, prov, dir);
        o.addProperty("status", status);
        if (m.failure != null) {
            o.addProperty("error", m.failure);
        }
        if (o.has("started")) {
            try {
                Instant started = Instant.parse(o.get("started").getAsString());
                Instant end = "running".equals(status) ? Instant.now() : modified(dir);
                o.addProperty("duration_s", Math.max(0, end.getEpochSecond() - started.getEpochSecond()));
            } catch (RuntimeException e) {
                // an unparseable start time leaves the duration out
            }
        }
        double eta = eta(m, o);
        if ("running".equals(status) && eta >= 0) {
            o.addProperty("eta_s", Math.round(eta));
        }
        return o;
    }

    /** Seconds of training left at the recent rate (snapshots and FID evaluations not counted), or -1. */
    static double eta(Parsed m, JsonObject summary) {
        if (!summary.has("target_kimg") || m.rateKimgPerSecond <= 0 || !summary.has("kimg")) {
            return -1;
        }
        double left = summary.get("target_kimg").getAsDouble() - summary.get("kimg").getAsDouble();
        return Math.max(0, left / m.rateKimgPerSecond);
    }

    static String ganStatus(Parsed m, JsonObject prov, Path dir) {
        if ("end".equals(m.lifecycle)) {
            return "done";
        }
        if ("failed".equals(m.lifecycle)) {
            return "failed";
        }
        Optional<Boolean> alive = processAlive(prov);
        if (alive.isPresent()) {
            return alive.get() ? "running" : "stopped";
        }
        if (m.lifecycle == null && prov.size() == 0) {
            // metric lines only, e.g. a reference run written in the same format: no way to tell stopped from done
            return fresh(dir) ? "running" : "done";
        }
        return fresh(dir) ? "running" : "stopped";
    }

    /** Whether the process that wrote the run is alive, when it ran on this machine and recorded its pid. */
    static Optional<Boolean> processAlive(JsonObject prov) {
        if (!prov.has("pid") || !prov.has("host")) {
            return Optional.empty();
        }
        if (!prov.get("host").getAsString().equals(hostName())) {
            return Optional.empty();
        }
        long pid = prov.get("pid").getAsLong();
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return Optional.of(false);
        }
        // a reused pid: the process must have started before the run did
        try {
            Instant started = Instant.parse(prov.get("started").getAsString());
            Optional<Instant> procStart = h.get().info().startInstant();
            if (procStart.isPresent() && procStart.get().isAfter(started.plusSeconds(5))) {
                return Optional.of(false);
            }
        } catch (RuntimeException e) {
            // no start time: trust the pid
        }
        return Optional.of(true);
    }

    public static String hostName() {
        return org.fewgen.io.RunLock.host();
    }

    static boolean fresh(Path dir) {
        return modified(dir).isAfter(Instant.now().minusSeconds(FRESH_SECONDS));
    }

    JsonObject uaeSummary(Path dir) throws IOException {
        JsonObject o = base(Kind.UAE, dir);
        JsonObject cfg = readJson(dir.resolve("config.json")).filter(JsonElement::isJsonObject)
                .map(JsonElement::getAsJsonObject).orElse(new JsonObject());
        JsonObject flat = cfg.has("config") && cfg.get("config").isJsonObject() ? cfg.getAsJsonObject("config") : cfg;
        copy(flat, "data", o, "data");
        copy(flat, "measurements", o, "measurements");
        copy(flat, "encoder", o, "encoder");
        copy(flat, "epochs", o, "target_epochs");
        Parsed m = metrics(dir.resolve("metrics.jsonl"));
        if (m.last != null) {
            copy(m.last, "epoch", o, "epoch");
            copy(m.last, "valid_l2", o, "valid_l2");
        }
        Optional<JsonObject> summary = readJson(dir.resolve("summary.json")).filter(JsonElement::isJsonObject)
                .map(JsonElement::getAsJsonObject);
        summary.ifPresent(s -> {
            for (String k : new String[] {"test_l2_mean", "l2_mean", "best_epoch"}) {
                copy(s, k, o, k);
            }
        });
        o.addProperty("status", summary.isPresent() ? "done" : fresh(dir) ? "running" : "stopped");
        o.addProperty("started", created(dir).toString());
        o.addProperty("duration_s", Math.max(0, modified(dir).getEpochSecond() - created(dir).getEpochSecond()));
        return o;
    }

    JsonObject compareSummary(Path dir) {
        JsonObject o = base(Kind.UAE_COMPARE, dir);
        JsonArray results = readJson(dir.resolve("results.json")).filter(JsonElement::isJsonArray)
                .map(JsonElement::getAsJsonArray).orElse(new JsonArray());
        java.util.TreeSet<String> methods = new java.util.TreeSet<>();
        java.util.TreeSet<Integer> ms = new java.util.TreeSet<>();
        for (JsonElement e : results) {
            if (e.isJsonObject()) {
                JsonObject r = e.getAsJsonObject();
                if (r.has("method")) {
                    methods.add(r.get("method").getAsString());
                }
                if (r.has("measurements")) {
                    ms.add(r.get("measurements").getAsInt());
                }
            }
        }
        o.addProperty("results", results.size());
        o.addProperty("methods", String.join(", ", methods));
        o.addProperty("measurements", ms.toString());
        o.addProperty("status", fresh(dir) ? "running" : "done");
        o.addProperty("started", created(dir).toString());
        return o;
    }

    JsonObject benchSummary(Path file) {
        JsonObject o = base(Kind.BENCH, file);
        JsonObject b = readJson(file).map(JsonElement::getAsJsonObject).orElse(new JsonObject());
        JsonObject machine = obj(b, "machine");
        copy(machine, "date", o, "started");
        copy(machine, "cpu_model", o, "machine");
        copy(machine, "device", o, "device");
        JsonArray confs = b.has("configurations") ? b.getAsJsonArray("configurations") : new JsonArray();
        o.addProperty("configurations", confs.size());
        java.util.TreeSet<String> gens = new java.util.TreeSet<>();
        for (JsonElement e : confs) {
            JsonObject c = e.getAsJsonObject();
            if (c.has("generator")) {
                gens.add(c.get("generator").getAsString());
            }
        }
        o.addProperty("generator", String.join(", ", gens));
        o.addProperty("status", "done");
        return o;
    }

    // ---------------------------------------------------------------- details

    /** Everything the run page shows except the metric lines, which come from {@link #metricLines}. */
    public JsonObject detail(Found f) throws IOException {
        JsonObject o = summary(f);
        Path p = f.path();
        switch (f.kind()) {
            case GAN -> {
                JsonObject cfgFile = readJson(p.resolve("config.json")).filter(JsonElement::isJsonObject)
                        .map(JsonElement::getAsJsonObject).orElse(new JsonObject());
                o.add("config", ganConfig(cfgFile));
                o.add("provenance", obj(cfgFile, "provenance"));
                copy(cfgFile, "resumed_from", o, "resumed_from");
                JsonArray grids = new JsonArray();
                JsonArray snaps = new JsonArray();
                List<Path> files = listFiles(p);
                if (files.contains(p.resolve("fakes_init.png"))) {
                    grids.add(entry("fakes_init.png", 0, p));
                }
                Path runArg = p;
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    Matcher fm = FAKES.matcher(name);
                    if (fm.matches()) {
                        grids.add(entry(name, Double.parseDouble(fm.group(1)), p));
                    }
                    Matcher sm = SNAPSHOT.matcher(name);
                    if (sm.matches()) {
                        JsonObject s = entry(name, Double.parseDouble(sm.group(1)), p);
                        s.addProperty("bytes", Files.size(file));
                        s.addProperty("generate", "fewgen gan generate --checkpoint " + shell(file) + " --seeds 0-63 --out "
                                + shell(p.resolve("generated-" + fm(sm.group(1)))));
                        snaps.add(s);
                    }
                }
                sortByKimg(grids);
                sortByKimg(snaps);
                if (snaps.size() > 0) {
                    JsonObject newest = snaps.get(snaps.size() - 1).getAsJsonObject();
                    double target = o.has("target_kimg") ? o.get("target_kimg").getAsDouble() : 0;
                    newest.addProperty("resume", "fewgen gan train --resume " + shell(runArg)
                            + (o.has("status") && o.get("status").getAsString().equals("done")
                            ? " --kimg " + trim(Math.max(target * 2, target + 1)) : ""));
                }
                o.add("grids", grids);
                o.add("snapshots", snaps);
                if (files.contains(p.resolve("reals.png"))) {
                    o.addProperty("reals", paths.idOf(p.resolve("reals.png")));
                }
                o.addProperty("metrics", paths.idOf(p.resolve("metrics.jsonl")));
            }
            case UAE -> {
                o.add("config", readJson(p.resolve("config.json")).orElse(new JsonObject()));
                o.add("summary", readJson(p.resolve("summary.json")).orElse(new JsonObject()));
                if (Files.isRegularFile(p.resolve("reconstructions.png"))) {
                    o.addProperty("reconstructions", paths.idOf(p.resolve("reconstructions.png")));
                }
                o.addProperty("metrics", paths.idOf(p.resolve("metrics.jsonl")));
            }
            case UAE_COMPARE -> {
                o.add("results", readJson(p.resolve("results.json")).orElse(new JsonArray()));
                if (Files.isRegularFile(p.resolve("error-vs-m.png"))) {
                    o.addProperty("chart_png", paths.idOf(p.resolve("error-vs-m.png")));
                }
                JsonArray ex = new JsonArray();
                for (Path file : listFiles(p)) {
                    Matcher em = EXAMPLES.matcher(file.getFileName().toString());
                    if (em.matches()) {
                        JsonObject e = new JsonObject();
                        e.addProperty("measurements", Integer.parseInt(em.group(1)));
                        e.addProperty("file", paths.idOf(file));
                        ex.add(e);
                    }
                }
                List<JsonElement> sorted = new ArrayList<>();
                ex.forEach(sorted::add);
                sorted.sort(Comparator.comparingInt(e -> e.getAsJsonObject().get("measurements").getAsInt()));
                JsonArray exs = new JsonArray();
                sorted.forEach(exs::add);
                o.add("examples", exs);
            }
            case BENCH -> o.add("bench", readJson(p).orElse(new JsonObject()));
        }
        return o;
    }

    private static String fm(String label) {
        return label;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Quotes a path for a POSIX shell when it needs it. */
    static String shell(Path p) {
        String s = p.toString();
        return s.matches("[A-Za-z0-9_./:+=-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private JsonObject entry(String name, double kimg, Path dir) {
        JsonObject g = new JsonObject();
        g.addProperty("file", paths.idOf(dir.resolve(name)));
        g.addProperty("name", name);
        g.addProperty("kimg", kimg);
        return g;
    }

    private static void sortByKimg(JsonArray a) {
        List<JsonElement> l = new ArrayList<>();
        a.forEach(l::add);
        l.sort(Comparator.comparingDouble(e -> e.getAsJsonObject().get("kimg").getAsDouble()));
        while (a.size() > 0) {
            a.remove(0);
        }
        l.forEach(a::add);
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- metrics

    /** Complete lines of a run's metrics.jsonl from byte {@code offset} on, and the offset to ask for next. */
    public JsonObject metricLines(Found f, long offset) throws IOException {
        JsonObject out = new JsonObject();
        JsonArray lines = new JsonArray();
        Path file = f.path().resolve("metrics.jsonl");
        long size = Files.isRegularFile(file) ? Files.size(file) : 0;
        boolean reset = offset > size || offset < 0;
        long from = reset ? 0 : offset;
        long next = from;
        if (size > from) {
            byte[] bytes;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(from);
                bytes = new byte[(int) Math.min(size - from, 64L << 20)];
                raf.readFully(bytes);
            }
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8).trim();
                    if (!line.isEmpty()) {
                        try {
                            lines.add(JsonParser.parseString(line));
                        } catch (RuntimeException e) {
                            // a malformed line is skipped, as a torn one would be
                        }
                    }
                    start = i + 1;
                }
            }
            next = from + start;
        }
        out.addProperty("offset", next);
        out.addProperty("reset", reset);
        out.add("lines", lines);
        return out;
    }

    /** What the summary needs from a metrics file; re-read only when its size or time changes. */
    static final class Parsed {
        long size = -1;
        FileTime time;
        JsonObject last;
        JsonObject startConfig;
        String lifecycle;
        String failure;
        double lastKimg = -1;
        double endSeconds = -1;
        Double lastFid;
        Double lastKid;
        double rateKimgPerSecond;
    }

    Parsed metrics(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new Parsed();
        }
        long size = Files.size(file);
        FileTime time = Files.getLastModifiedTime(file);
        Parsed cached = metricsCache.get(file);
        if (cached != null && cached.size == size && time.equals(cached.time)) {
            return cached;
        }
        Parsed p = new Parsed();
        p.size = size;
        p.time = time;
        List<double[]> recent = new ArrayList<>(); // (kimg, seconds) of stat lines since the last (re)start
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(line).getAsJsonObject();
            } catch (RuntimeException e) {
                continue;
            }
            if (o.has("event")) {
                String ev = o.get("event").getAsString();
                switch (ev) {
                    case "start", "resume" -> {
                        p.lifecycle = ev;
                        p.failure = null;
                        recent.clear();
                        if (o.has("config") && o.get("config").isJsonObject()) {
                            p.startConfig = o.getAsJsonObject("config");
                        }
                    }
                    case "end" -> {
                        p.lifecycle = ev;
                        if (o.has("train_seconds")) {
                            p.endSeconds = o.get("train_seconds").getAsDouble();
                        }
                    }
                    case "failed" -> {
                        p.lifecycle = ev;
                        p.failure = o.has("message") ? o.get("message").getAsString() : "failed";
                    }
                    case "metric" -> {
                        if (o.has("fid") && o.get("fid").isJsonPrimitive()) {
                            p.lastFid = o.get("fid").getAsDouble();
                        }
                        if (o.has("kid_mean") && o.get("kid_mean").isJsonPrimitive()) {
                            p.lastKid = o.get("kid_mean").getAsDouble();
                        }
                    }
                    default -> {
                    }
                }
                if (o.has("kimg") && o.get("kimg").isJsonPrimitive()) {
                    p.lastKimg = Math.max(p.lastKimg, o.get("kimg").getAsDouble());
                }
            } else {
                p.last = o;
                if (o.has("kimg") && o.has("seconds")) {
                    recent.add(new double[] {o.get("kimg").getAsDouble(), o.get("seconds").getAsDouble()});
                    if (recent.size() > 20) {
                        recent.remove(0);
                    }
                }
            }
        }
        if (recent.size() >= 2) {
            double[] a = recent.get(0);
            double[] b = recent.get(recent.size() - 1);
            if (b[1] > a[1]) {
                p.rateKimgPerSecond = (b[0] - a[0]) / (b[1] - a[1]);
            }
        }
        metricsCache.put(file, p);
        return p;
    }

    // ---------------------------------------------------------------- helpers

    static Optional<JsonElement> readJson(Path file) {
        try {
            return Optional.ofNullable(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static String head(Path file, int bytes) {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonObject obj(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonObject() ? o.getAsJsonObject(key) : new JsonObject();
    }

    /** A GAN run folder's config in the nested form ({@link TrainConfig#nested}: older flat files moved). */
    private static JsonObject ganConfig(JsonObject cfgFile) {
        return nested(obj(cfgFile, "config"));
    }

    private static JsonObject nested(JsonObject config) {
        try {
            return TrainConfig.nested(config);
        } catch (RuntimeException e) {
            return config; // a damaged file is shown as it is
        }
    }

    private static void lower(JsonObject from, String key, JsonObject to, String as) {
        if (from.has(key) && from.get(key).isJsonPrimitive()) {
            to.addProperty(as, from.get(key).getAsString().toLowerCase(Locale.ROOT));
        }
    }

    private static void copy(JsonObject from, String key, JsonObject to, String as) {
        if (from.has(key) && !from.get(key).isJsonNull()) {
            to.add(as, from.get(key));
        }
    }

    /** Newest modification time of a file, or of a folder and the files directly in it. */
    static Instant modified(Path p) {
        try {
            Instant t = Files.getLastModifiedTime(p).toInstant();
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    for (Path c : (Iterable<Path>) s::iterator) {
                        Instant ct = Files.getLastModifiedTime(c).toInstant();
                        if (ct.isAfter(t)) {
                            t = ct;
                        }
                    }
                }
            }
            return t;
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    static Instant created(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).creationTime().toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    static String toJson(JsonElement e) {
        return GSON.toJson(e);
    }
}
