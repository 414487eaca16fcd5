package io.modelswap.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import static io.modelswap.demo.DemoJson.json;
import static io.modelswap.demo.DemoJson.str;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A fake OpenAI-compatible upstream for modelswap: run it as a model's {@code cmd} to try modelswap without a GPU,
 * and let the tests make it misbehave. The hidden subcommand {@code modelswap demo-upstream --port 5801} (the jar
 * or the native executable; in a configuration {@code ${MODELSWAP_BIN} demo-upstream --port ${PORT}}); the tests
 * start the class itself from the test classpath. JDK only, no Quarkus: it starts in a fraction of a second.
 *
 * <pre>
 * --port N               port to listen on, 127.0.0.1 (required)
 * --model-name S         the name it answers as (default "demo")
 * --start-delay-ms N     listen only after N ms
 * --healthy-after-ms N   listen at once, but GET /health answers 503 for the first N ms
 * --never-healthy        GET /health answers 503 forever
 * --exit-at-start CODE   exit at once with CODE
 * --die-mid-stream N     in a stream, halt the JVM (exit code 3) after N chunks
 * --die-mid-body         in an echo answer, send its Content-Length and half of its body, then halt (exit code 3)
 * --die-on-request N     halt (exit code 3) when the Nth chat completion arrives, before answering it
 * --hold-after N         in a stream, after N chunks wait until POST /release
 * --never-answer         accept every request except GET /health and /pids, and never answer it
 * --ignore-sigterm       SIGTERM does nothing (only SIGKILL stops it)
 * --fork-grandchild      start "sleep 3600" that inherits stdout/stderr (holds the pipes open)
 * --tokens N             tokens per completion (default 8)
 * --token-delay-ms N     delay before each streamed token (default 30)
 * --log-lines N          print N lines at start
 * --chatty               print a line per request
 * --cors                 send llama-server's own CORS headers (Allow-Origin *, Allow-Credentials) on every answer
 * --ansi                 colour the lines it prints (ANSI escapes, as llama-server's log does on a terminal)
 * --require-key K        answer 401 to every request but GET /health unless it carries "Authorization: Bearer K"
 *                        and "x-api-key: K" (an OpenAI-compatible service checking the key a peer injects)
 * --reasoning N          in a stream, send N reasoning_content chunks before the answer (as llama-server does for
 *                        thinking models)
 * --enable-sleep-mode    vLLM's sleep mode: POST /sleep?level=N, POST /wake_up, GET /is_sleeping (see DemoSleepMode)
 * --sleep-ms N           a sleep takes N ms;  --wake-ms N  a wake takes N ms;  --fail-wake  /wake_up answers 500
 * --gpu-memory-mib N     the accelerator memory it reports in GET /stats while awake (default 1000)
 * --parallel N           llama-server's slots with a prompt cache each (see DemoSlots); GET /slots lists them
 * --slot-save-path DIR   llama-server's POST /slots/{id}?action=save|restore|erase, files in DIR
 * --n-ctx N              llama-server's GET /props with n_ctx N (404 without); --max-model-len N  vLLM's on /v1/models
 * --metrics KIND         GET /metrics as llama-server --metrics (llamacpp) or vLLM (vllm) answer it (404 without)
 * --tls-keystore F.p12   serve HTTPS with the key and certificate in this PKCS12 file (--tls-password PW)
 * </pre>
 *
 * Endpoints: GET /health, POST /v1/chat/completions (JSON or SSE with "stream":true), GET /v1/models, GET /props,
 * GET /metrics, GET /pids, GET /stats (streams aborted by the client), GET /holding (held streams not yet released),
 * GET /env?name=X, POST /release, GET /echo/..., and a generic echo (method, path, query, body length, body sha-256,
 * content-type) for /v1/completions, /completion, /v1/embeddings, /v1/responses, /v1/messages, /v1/rerank, /infill,
 * /v1/audio/transcriptions. Anything else is 404.
 */
public final class DemoUpstream {

    /** The subcommand of modelswap that runs this class. */
    public static final String SUBCOMMAND = "demo-upstream";

    private static final List<String> ECHO_PATHS = List.of("/v1/completions", "/completion", "/v1/embeddings",
            "/v1/responses", "/v1/messages", "/v1/rerank", "/infill", "/v1/audio/transcriptions");
    private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");

    private static final Map<String, String> flags = new LinkedHashMap<>();
    /** Set in main: a native image initializes static fields at build time. */
    private static long startedAt;
    private static final DemoHolds holds = new DemoHolds();
    /** Streams whose client went away before the end: the write failed because the connection was closed. */
    private static final java.util.concurrent.atomic.AtomicInteger abortedStreams =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Chat completions received, for --die-on-request. */
    private static final java.util.concurrent.atomic.AtomicInteger chatRequests =
            new java.util.concurrent.atomic.AtomicInteger();
    /** vLLM's sleep mode (set in main). */
    private static DemoSleepMode sleepMode;
    /** llama-server's slots, with --parallel or --slot-save-path; null without (set in main). */
    private static DemoSlots slots;
    /** Paths that need the weights: a sleeping vLLM refuses them. */
    private static final List<String> NEED_WEIGHTS = List.of("/v1/chat/completions", "/v1/completions",
            "/v1/embeddings", "/v1/audio/transcriptions", "/v1/rerank", "/rerank", "/pooling", "/score", "/v1/score");

    private DemoUpstream() {
    }

    public static void main(String[] args) throws Exception {
        startedAt = System.currentTimeMillis();
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // every small answer would take 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--")) {
                usage("unexpected argument: " + name);
            }
            boolean valued = i + 1 < args.length && !args[i + 1].startsWith("--");
            flags.put(name.substring(2), valued ? args[++i] : "true");
        }
        if (!flags.containsKey("port")) {
            usage("--port is required");
        }
        int port = intFlag("port", 0);
        sleepMode = new DemoSleepMode(flags.containsKey("enable-sleep-mode"), intFlag("sleep-ms", 0),
                intFlag("wake-ms", 0), flags.containsKey("fail-wake"), intFlag("gpu-memory-mib", 1000));
        if (flags.containsKey("parallel") || flags.containsKey("slot-save-path")) {
            String dir = flags.get("slot-save-path");
            slots = new DemoSlots(dir == null ? null : java.nio.file.Path.of(dir), intFlag("parallel", 1));
        }
        if (flags.containsKey("exit-at-start")) {
            System.out.println("exiting at start with code " + flags.get("exit-at-start") + " (--exit-at-start)");
            System.exit(intFlag("exit-at-start", 1));
        }
        if (flags.containsKey("ignore-sigterm")) {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> System.out.println("ignoring SIGTERM"));
        }
        if (flags.containsKey("fork-grandchild")) {
            Process child = new ProcessBuilder("sleep", "3600").inheritIO().start();
            System.out.println("grandchild pid " + child.pid());
        }
        for (int i = 1, n = intFlag("log-lines", 0); i <= n; i++) {
            System.out.println("log line " + i + " of " + n + ": the quick brown fox jumps over the lazy dog");
        }
        long startDelay = intFlag("start-delay-ms", 0);
        if (startDelay > 0) {
            System.out.println("waiting " + startDelay + " ms before listening");
            Thread.sleep(startDelay);
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        HttpServer server = flags.containsKey("tls-keystore")
                ? DemoTls.server(address, 64, flags.get("tls-keystore"), flags.getOrDefault("tls-password", ""))
                : HttpServer.create(address, 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "demo-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", DemoUpstream::handle);
        server.start();
        System.out.println("listening on " + port);
    }

    private static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            if (flags.containsKey("cors")) {
                // as llama-server does: its own wide-open CORS headers on every answer
                ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                ex.getResponseHeaders().set("Access-Control-Allow-Credentials", "true");
            }
            int status = route(ex, method, path, body);
            if (flags.containsKey("chatty")) {
                String line = method + " " + ex.getRequestURI() + " " + status;
                System.out.println(flags.containsKey("ansi") ? "\u001b[32m" + line + "\u001b[0m" : line);
            }
        } catch (RuntimeException e) {
            System.out.println("request failed: " + e);
        }
    }

    private static int route(HttpExchange ex, String method, String path, byte[] body) throws IOException {
        String text = new String(body, StandardCharsets.UTF_8);
        if (path.equals("/health")) {
            boolean healthy = !flags.containsKey("never-healthy")
                    && System.currentTimeMillis() - startedAt >= intFlag("healthy-after-ms", 0);
            return healthy ? json(ex, 200, "{\"status\":\"ok\"}") : json(ex, 503, "{\"status\":\"loading\"}");
        }
        String requiredKey = flags.get("require-key");
        if (requiredKey != null && (!("Bearer " + requiredKey).equals(ex.getRequestHeaders().getFirst("Authorization"))
                || !requiredKey.equals(ex.getRequestHeaders().getFirst("x-api-key")))) {
            return json(ex, 401, "{\"error\":{\"message\":\"invalid api key\",\"type\":\"authentication_error\","
                    + "\"code\":\"invalid_api_key\"}}");
        }
        if (flags.containsKey("never-answer") && !path.equals("/pids")) {
            System.out.println("never answering " + method + " " + path + " (--never-answer)");
            sleep(Long.MAX_VALUE);
        }
        DemoSleepMode.Answer sleepAnswer = sleepMode.handle(method, path, query(ex).get("level"));
        if (sleepAnswer != null) {
            return json(ex, sleepAnswer.status(), sleepAnswer.body());
        }
        if (sleepMode.sleeping() && NEED_WEIGHTS.contains(path)) {
            DemoSleepMode.Answer asleep = DemoSleepMode.asleepError();
            return json(ex, asleep.status(), asleep.body());
        }
        if (slots != null && path.equals("/slots") && method.equals("GET")) {
            return json(ex, 200, slots.list());
        }
        if (slots != null && path.startsWith("/slots/") && method.equals("POST")) {
            DemoSleepMode.Answer answer = slots.action(path.substring("/slots/".length()),
                    query(ex).getOrDefault("action", ""), text);
            return json(ex, answer.status(), answer.body());
        }
        if (path.equals("/v1/chat/completions") && method.equals("POST")) {
            if (chatRequests.incrementAndGet() == intFlag("die-on-request", -1)) {
                System.out.println("dying on chat request " + chatRequests.get() + " (--die-on-request)");
                Runtime.getRuntime().halt(3);
            }
            if (!STREAM_TRUE.matcher(text).find()) {
                return chat(ex, text);
            }
            try {
                return stream(ex, text);
            } catch (IOException clientGone) {
                abortedStreams.incrementAndGet();
                System.out.println("stream aborted: the client closed the connection");
                return 499;
            }
        }
        if (path.equals("/v1/models") || path.equals("/props") || path.equals("/metrics")) {
            return serverInfo(ex, path);
        }
        if (path.equals("/holding")) {
            return json(ex, 200, "{\"holding\":" + holds.holding() + "}");
        }
        if (path.equals("/stats")) {
            return json(ex, 200, "{\"aborted_streams\":" + abortedStreams.get() + "," + sleepMode.statsJson() + "}");
        }
        if (path.equals("/pids")) {
            String descendants = ProcessHandle.current().descendants()
                    .map(p -> Long.toString(p.pid())).collect(Collectors.joining(","));
            return json(ex, 200, "{\"pid\":" + ProcessHandle.current().pid() + ",\"descendants\":[" + descendants + "]}");
        }
        if (path.equals("/env")) {
            String name = query(ex).getOrDefault("name", "");
            String value = System.getenv(name);
            return json(ex, 200, "{\"name\":" + str(name) + ",\"value\":" + (value == null ? "null" : str(value)) + "}");
        }
        if (path.equals("/release") && method.equals("POST")) {
            return json(ex, 200, "{\"released\":" + holds.releaseAll() + "}");
        }
        if (path.startsWith("/echo/") || ECHO_PATHS.contains(path)) {
            if (flags.containsKey("die-mid-body")) {
                dieMidBody(ex, echo(ex, method, body));
            }
            return json(ex, 200, echo(ex, method, body));
        }
        return json(ex, 404, "{\"error\":{\"message\":" + str("no route " + method + " " + path)
                + ",\"type\":\"not_found_error\"}}");
    }

    private static int chat(HttpExchange ex, String request) throws IOException {
        int tokens = intFlag("tokens", 8);
        String content = modelName() + " answered: received model=" + DemoRequests.requestedModel(request)
                + " body_bytes=" + request.getBytes(StandardCharsets.UTF_8).length;
        String response = "{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion\",\"created\":" + now()
                + ",\"model\":" + str(modelName())
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + str(content)
                + "},\"finish_reason\":\"stop\"}],\"usage\":" + usage(request, tokens)
                + ",\"timings\":" + timings(request, tokens)
                + ",\"echo\":{\"pid\":" + ProcessHandle.current().pid() + ",\"model\":" + str(DemoRequests.requestedModel(request))
                + ",\"body_length\":" + request.getBytes(StandardCharsets.UTF_8).length + "}}";
        return json(ex, 200, response);
    }

    private static int stream(HttpExchange ex, String request) throws IOException {
        int tokens = intFlag("tokens", 8);
        int dieAfter = intFlag("die-mid-stream", -1);
        int holdAfter = intFlag("hold-after", -1);
        long delay = intFlag("token-delay-ms", 30);
        long[] hold = holdAfter >= 0 ? holds.register() : null; // held from its start (see DemoHolds)
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int i = 0, n = intFlag("reasoning", 0); i < n; i++) {
                sleep(delay);
                String thought = (i == 0 ? "Thinking about it:" : "") + " step" + (i + 1);
                sse(out, chunk("[{\"index\":0,\"delta\":{\"reasoning_content\":" + str(thought) + "},\"finish_reason\":null}]", ""));
            }
            for (int i = 0; i < tokens; i++) {
                if (i == dieAfter) {
                    System.out.println("dying mid-stream after " + i + " chunks (--die-mid-stream)");
                    Runtime.getRuntime().halt(3);
                }
                if (i == holdAfter) {
                    holds.holdUntilReleased(i, hold);
                }
                sleep(delay);
                String token = i == 0 ? "[" + modelName() + "]" : " tok" + i;
                String delta = i == 0 ? "{\"role\":\"assistant\",\"content\":" + str(token) + "}" : "{\"content\":" + str(token) + "}";
                sse(out, chunk("[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]", ""));
            }
            sse(out, chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]", ""));
            sse(out, chunk("[]", ",\"usage\":" + usage(request, tokens) + ",\"timings\":" + timings(request, tokens)));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return 200;
        } finally {
            if (hold != null) {
                holds.unregister(hold);
            }
        }
    }

    /** Promises the whole body with its Content-Length, sends half of it, and dies as a crashing server would. */
    private static void dieMidBody(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes, 0, bytes.length / 2);
        ex.getResponseBody().flush();
        System.out.println("dying after " + bytes.length / 2 + " of " + bytes.length + " bytes (--die-mid-body)");
        Runtime.getRuntime().halt(3);
    }

    private static String chunk(String choices, String extra) {
        return "{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"created\":" + now() + ",\"model\":"
                + str(modelName()) + ",\"choices\":" + choices + extra + "}";
    }

    private static void sse(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String usage(String request, int tokens) {
        int prompt = Math.max(1, request.length() / 4);
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + tokens + ",\"total_tokens\":"
                + (prompt + tokens) + "}";
    }

    /**
     * llama.cpp's per-response timings, which modelswap's metrics read. With slots, {@code prompt_n} counts only the
     * prompt tokens past the slot's cached prefix, and {@code cache_n} those reused.
     */
    private static String timings(String request, int tokens) {
        if (slots != null) {
            DemoSlots.PromptUse use = slots.process(request, tokens);
            long predictedMs = Math.max(1, tokens * intFlag("token-delay-ms", 30));
            return "{\"cache_n\":" + use.cached() + ",\"prompt_n\":" + use.processed() + ",\"prompt_ms\":"
                    + use.processed() + ".0,\"prompt_per_second\":1000.0,\"predicted_n\":" + tokens
                    + ",\"predicted_ms\":" + predictedMs + ".0,\"predicted_per_second\":"
                    + tokens * 1000.0 / predictedMs + "}";
        }
        int prompt = Math.max(1, request.length() / 4);
        long predictedMs = Math.max(1, tokens * intFlag("token-delay-ms", 30));
        return "{\"prompt_n\":" + prompt + ",\"prompt_ms\":1.0,\"prompt_per_second\":" + prompt * 1000.0
                + ",\"predicted_n\":" + tokens + ",\"predicted_ms\":" + predictedMs + ".0,\"predicted_per_second\":"
                + tokens * 1000.0 / predictedMs + "}";
    }

    private static String echo(HttpExchange ex, String method, byte[] body) {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        String apiKey = ex.getRequestHeaders().getFirst("x-api-key");
        String query = ex.getRequestURI().getRawQuery();
        return "{\"model_name\":" + str(modelName()) + ",\"method\":" + str(method)
                + ",\"path\":" + str(ex.getRequestURI().getPath())
                + ",\"raw_path\":" + str(ex.getRequestURI().getRawPath())
                + ",\"query\":" + (query == null ? "null" : str(query))
                + ",\"body_length\":" + body.length + ",\"body_sha256\":" + str(sha256(body))
                + ",\"model\":" + str(DemoRequests.requestedModel(new String(body, StandardCharsets.UTF_8)))
                + ",\"form_model\":" + str(DemoRequests.formModel(new String(body, StandardCharsets.ISO_8859_1)))
                + ",\"content_type\":" + (contentType == null ? "null" : str(contentType))
                + ",\"authorization\":" + (authorization == null ? "null" : str(authorization))
                + ",\"x_api_key\":" + (apiKey == null ? "null" : str(apiKey)) + "}";
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** {@code /v1/models}, {@code /props} and {@code /metrics}, shaped like llama-server's or vLLM's. */
    private static int serverInfo(HttpExchange ex, String path) throws IOException {
        return new DemoServerInfo(modelName(), intFlag("n-ctx", 0), intFlag("max-model-len", 0), flags.get("metrics"))
                .answer(ex, path, chatRequests.get(), intFlag("tokens", 8));
    }

    private static String modelName() {
        return flags.getOrDefault("model-name", "demo");
    }

    private static int intFlag(String name, int fallback) {
        String value = flags.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage("--" + name + " needs a number, got " + value);
            return fallback;
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** Waits {@code ms} (a sleep or wake taking its time). */
    static void pause(long ms) {
        sleep(ms);
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void usage(String problem) {
        System.err.println("demo-upstream: " + problem);
        System.err.println("usage: modelswap demo-upstream --port N [--model-name S] [--start-delay-ms N]"
                + " [--healthy-after-ms N] [--never-healthy] [--exit-at-start CODE] [--die-mid-stream N] [--die-mid-body]"
                + " [--die-on-request N]"
                + " [--hold-after N] [--ignore-sigterm] [--fork-grandchild] [--tokens N] [--token-delay-ms N]"
                + " [--log-lines N] [--chatty] [--tls-keystore F.p12 --tls-password PW]");
        System.exit(2);
    }
}
