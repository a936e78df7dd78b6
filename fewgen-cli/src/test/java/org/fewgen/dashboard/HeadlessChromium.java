package org.fewgen.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the DevTools protocol with the JDK's WebSocket client: navigate,
 * evaluate JavaScript, emulate a screen and colour scheme, take screenshots. No driver to install.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder log = new StringBuilder();
    private final StringBuilder exceptions = new StringBuilder();

    /** The browser binary on PATH ({@code chromium}, as Debian names it, or another Chromium/Chrome name). */
    static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    HeadlessChromium(Path binary, Path profile, int width, int height) throws Exception {
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--mute-audio", "--hide-scrollbars",
                "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).start();
        String browserWs = null;
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (browserWs == null && System.nanoTime() < deadline && (line = err.readLine()) != null) {
            log.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
            }
        }
        if (browserWs == null) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not start its DevTools endpoint:\n" + log);
        }
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // the browser went away
            }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        URI ws = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getAuthority() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String pageWs = null;
        for (JsonElement e : JsonParser.parseString(list).getAsJsonArray()) {
            JsonObject t = e.getAsJsonObject();
            if ("page".equals(t.get("type").getAsString())) {
                pageWs = t.get("webSocketDebuggerUrl").getAsString();
                break;
            }
        }
        if (pageWs == null) {
            throw new IllegalStateException("no page target in " + list);
        }
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(pageWs), new Listener()).get(30, TimeUnit.SECONDS);
        send("Page.enable", new JsonObject());
        send("Runtime.enable", new JsonObject());
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                JsonObject msg = JsonParser.parseString(part.toString()).getAsJsonObject();
                part.setLength(0);
                if (msg.has("id")) {
                    CompletableFuture<JsonObject> f = pending.remove(msg.get("id").getAsInt());
                    if (f != null) {
                        f.complete(msg);
                    }
                } else if ("Runtime.consoleAPICalled".equals(msg.has("method") ? msg.get("method").getAsString() : "")
                        || "Runtime.exceptionThrown".equals(msg.has("method") ? msg.get("method").getAsString() : "")) {
                    synchronized (log) {
                        log.append(msg.get("params")).append('\n');
                        if (msg.get("method").getAsString().equals("Runtime.exceptionThrown")) {
                            exceptions.append(msg.get("params")).append('\n');
                        }
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    /** Sends one DevTools command and returns its {@code result}. */
    JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        JsonObject msg = new JsonObject();
        msg.addProperty("id", id);
        msg.addProperty("method", method);
        msg.add("params", params);
        socket.sendText(msg.toString(), true).get(20, TimeUnit.SECONDS);
        JsonObject reply = f.get(60, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return reply.getAsJsonObject("result");
    }

    void navigate(String url) throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("url", url);
        send("Page.navigate", p);
    }

    /** Evaluates an expression in the page and returns its value (JSON), or null. */
    JsonElement eval(String expression) throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("expression", expression);
        p.addProperty("returnByValue", true);
        JsonObject r = send("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        }
        JsonObject result = r.getAsJsonObject("result");
        return result.has("value") ? result.get("value") : null;
    }

    /** Waits until {@code expression} is truthy in the page. */
    void waitUntil(String expression, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonElement v = null;
        while (System.nanoTime() < deadline) {
            v = eval("!!(" + expression + ")");
            if (v != null && v.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page did not show " + what + " within " + seconds + " s; page text:\n"
                + eval("document.body.innerText") + "\nbrowser log:\n" + log);
    }

    /** Emulates a screen size and colour scheme. */
    void emulate(int width, int height, double scale, boolean mobile, String colorScheme) throws Exception {
        JsonObject m = new JsonObject();
        m.addProperty("width", width);
        m.addProperty("height", height);
        m.addProperty("deviceScaleFactor", scale);
        m.addProperty("mobile", mobile);
        send("Emulation.setDeviceMetricsOverride", m);
        JsonObject media = new JsonObject();
        JsonArray features = new JsonArray();
        JsonObject f = new JsonObject();
        f.addProperty("name", "prefers-color-scheme");
        f.addProperty("value", colorScheme);
        features.add(f);
        media.add("features", features);
        send("Emulation.setEmulatedMedia", media);
    }

    void screenshot(Path file) throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("format", "png");
        JsonObject r = send("Page.captureScreenshot", p);
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").getAsString()));
    }

    /** Uncaught JavaScript exceptions of the page so far. */
    String exceptions() {
        synchronized (log) {
            return exceptions.toString();
        }
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
