package org.fewgen.dashboard;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's HTTP server (the JDK's {@code com.sun.net.httpserver}): the single page under
 * {@code /}, its static files under {@code /static/}, a read-only JSON API under {@code /api/}
 * and the run files (images, JSON, CSV) under {@code /files/}. Only GET and HEAD; nothing outside
 * the served root is reachable (see {@link SafePaths}); there is no directory listing besides the
 * API's run list. Bound to 127.0.0.1 unless told otherwise; when bound to a loopback address it
 * also refuses requests whose {@code Host} header is not a loopback name (DNS rebinding).
 */
public final class DashboardServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 8765;
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final String STATIC = "/org/fewgen/dashboard/static/";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("gif", "image/gif"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("jsonl", "text/plain; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"));
    /** Run files served under /files/: pictures and text, not checkpoints. */
    private static final java.util.Set<String> RUN_FILE_TYPES =
            java.util.Set.of("png", "gif", "jpg", "jpeg", "json", "jsonl", "csv", "txt", "md");

    private final HttpServer server;
    private final ExecutorService executor;
    private final RunIndex index;
    private final boolean loopback;

    private DashboardServer(HttpServer server, ExecutorService executor, RunIndex index, boolean loopback) {
        this.server = server;
        this.executor = executor;
        this.index = index;
        this.loopback = loopback;
    }

    /**
     * Starts serving {@code root}.
     *
     * @param host address to bind ({@code 127.0.0.1} by default)
     * @param port port, 0 for any free one
     */
    public static DashboardServer start(Path root, String host, int port) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + ": no such folder to serve (name the folder that holds the runs:"
                    + " fewgen serve DIR)");
        }
        InetAddress addr = InetAddress.getByName(host);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(addr, port), 32);
        } catch (java.net.BindException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); pick another with --port, or --port 0 for any free one", e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fewgen-dashboard-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        DashboardServer d = new DashboardServer(server, executor, new RunIndex(new SafePaths(root)),
                addr.isLoopbackAddress());
        server.createContext("/", d::handle);
        server.setExecutor(executor);
        server.start();
        return d;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address. */
    public String url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.isAnyLocalAddress() || a.isLoopbackAddress() ? "127.0.0.1"
                : a.getHostAddress().contains(":") ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "http://" + host + ":" + port() + "/";
    }

    public RunIndex index() {
        return index;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Starts a dashboard for a training command ({@code --serve}) on 127.0.0.1 and says where it is.
     */
    public static DashboardServer startForTraining(Path runsDir, int port, PrintStream out) throws IOException {
        Files.createDirectories(runsDir);
        DashboardServer d = start(runsDir, DEFAULT_HOST, port);
        out.println("dashboard: " + d.url() + " (serving " + runsDir.toAbsolutePath().normalize() + "; Ctrl-C to stop)");
        return d;
    }

    /** Keeps the process serving after training ended, until it is interrupted (Ctrl-C). */
    public void serveUntilInterrupted(PrintStream out) {
        out.println("training finished; the dashboard stays up at " + url() + " until Ctrl-C");
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    // ---------------------------------------------------------------- requests

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                error(ex, 405, "read-only: only GET and HEAD");
                return;
            }
            if (loopback && !loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
                error(ex, 403, "Host header must name this machine (127.0.0.1, localhost or [::1])");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path == null) {
                error(ex, 400, "no path");
                return;
            }
            if (path.equals("/") || path.equals("/index.html")) {
                resource(ex, "index.html");
            } else if (path.startsWith("/static/")) {
                resource(ex, path.substring("/static/".length()));
            } else if (path.startsWith("/files/")) {
                runFile(ex, path.substring("/files/".length()));
            } else if (path.startsWith("/api/")) {
                api(ex, path.substring("/api/".length()), query(ex.getRequestURI().getRawQuery()));
            } else {
                error(ex, 404, "not found");
            }
        } catch (IOException | RuntimeException e) {
            try {
                error(ex, 500, "internal error: " + e.getMessage());
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way
            }
        }
    }

    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(0, end + 1);
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.endsWith(".localhost");
    }

    private void api(HttpExchange ex, String what, Map<String, String> q) throws IOException {
        switch (what) {
            case "runs" -> json(ex, 200, index.list());
            case "run" -> {
                Optional<RunIndex.Found> f = run(ex, q);
                if (f.isPresent()) {
                    json(ex, 200, index.detail(f.get()));
                }
            }
            case "metrics" -> {
                Optional<RunIndex.Found> f = run(ex, q);
                if (f.isPresent()) {
                    long offset;
                    try {
                        offset = Long.parseLong(q.getOrDefault("offset", "0"));
                    } catch (NumberFormatException e) {
                        error(ex, 400, "offset must be a number of bytes");
                        return;
                    }
                    json(ex, 200, index.metricLines(f.get(), offset));
                }
            }
            default -> error(ex, 404, "no such API call: /api/" + what + " (runs, run, metrics)");
        }
    }

    private Optional<RunIndex.Found> run(HttpExchange ex, Map<String, String> q) throws IOException {
        String id = q.get("id");
        if (id == null) {
            error(ex, 400, "missing ?id=RUN_ID");
            return Optional.empty();
        }
        Optional<RunIndex.Found> f = index.find(id);
        if (f.isEmpty()) {
            error(ex, 404, "no run " + id + " under the served folder");
        }
        return f;
    }

    private void runFile(HttpExchange ex, String rel) throws IOException {
        String ext = extension(rel);
        if (!RUN_FILE_TYPES.contains(ext)) {
            error(ex, 403, "only pictures and text files of runs are served");
            return;
        }
        Optional<Path> file = index.paths().file(rel);
        if (file.isEmpty()) {
            error(ex, 404, "no such file under the served folder");
            return;
        }
        byte[] body = Files.readAllBytes(file.get());
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        send(ex, 200, TYPES.get(ext), body);
    }

    private void resource(HttpExchange ex, String name) throws IOException {
        if (name.isEmpty() || name.contains("..") || name.contains("\\") || name.startsWith("/")) {
            error(ex, 404, "not found");
            return;
        }
        try (InputStream in = DashboardServer.class.getResourceAsStream(STATIC + name)) {
            if (in == null) {
                error(ex, 404, "not found");
                return;
            }
            byte[] body = in.readAllBytes();
            ex.getResponseHeaders().set("Cache-Control", name.startsWith("vendor/") ? "max-age=86400" : "no-cache");
            send(ex, 200, TYPES.getOrDefault(extension(name), "application/octet-stream"), body);
        }
    }

    private static void json(HttpExchange ex, int code, JsonElement body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, code, TYPES.get("json"), RunIndex.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange ex, int code, String message) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        o.addProperty("status", code);
        json(ex, code, o);
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                + "connect-src 'self'; frame-ancestors 'none'");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static String extension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        return dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.putIfAbsent(k, v);
        }
        return q;
    }
}
