package io.modelswap.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;

/**
 * The upstream of {@code src/bench/compare.sh}: an OpenAI-style chat completion endpoint that costs next to nothing,
 * so that what a proxy in front of it adds stands out (the demo upstream, on the JDK's HTTP server, takes 0.2 ms per
 * answer; this one about 0.02 ms). Vert.x on its event loops, nothing blocks.
 *
 * <pre>
 * java -cp ... io.modelswap.bench.BenchUpstream --port N [--events 20] [--interval-ms 100] [--threads 1]
 * </pre>
 *
 * GET /health answers 200. POST /v1/chat/completions answers a fixed completion (with {@code usage}, as llama-server
 * does, so the proxy's usage accounting runs) or, when the body asks for {@code "stream":true}, an SSE stream of
 * {@code --events} chunks {@code --interval-ms} apart, each carrying {@code "sent_us"}: the wall-clock time it was
 * written, in microseconds since the epoch, which {@link SseLoad} on the same machine subtracts from its arrival
 * time. The last chunk carries {@code usage}, then {@code data: [DONE]}.
 */
public final class BenchUpstream {

    private static final Buffer ANSWER = Buffer.buffer("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\","
            + "\"created\":1700000000,\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"one two three four five six seven eight\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":8,\"total_tokens\":17}}");
    private static final Buffer HEALTH = Buffer.buffer("{\"status\":\"ok\"}");

    private BenchUpstream() {
    }

    public static void main(String[] args) {
        int port = -1;
        int events = 20;
        long intervalMs = 100;
        int threads = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--interval-ms" -> intervalMs = Long.parseLong(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (port <= 0) {
            throw new IllegalArgumentException("--port is required");
        }
        int eventCount = events;
        long interval = intervalMs;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
        for (int i = 0; i < threads; i++) {
            vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true)
                            .setAcceptBacklog(4096))
                    .requestHandler(request -> handle(vertx, request, eventCount, interval))
                    .listen()
                    .toCompletionStage().toCompletableFuture().join();
        }
        System.out.println("bench upstream listening on 127.0.0.1:" + port);
    }

    private static void handle(Vertx vertx, HttpServerRequest request, int events, long intervalMs) {
        HttpServerResponse response = request.response();
        if (request.path().equals("/health")) {
            response.putHeader("Content-Type", "application/json").end(HEALTH);
            return;
        }
        if (!request.path().equals("/v1/chat/completions")) {
            response.setStatusCode(404).end();
            return;
        }
        request.body().onSuccess(body -> {
            if (!body.toString().contains("\"stream\":true")) {
                response.putHeader("Content-Type", "application/json").end(ANSWER);
                return;
            }
            response.setChunked(true).putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache");
            stream(vertx, response, events, intervalMs, 0);
        });
    }

    private static void stream(Vertx vertx, HttpServerResponse response, int events, long intervalMs, int sent) {
        vertx.setTimer(Math.max(1, intervalMs), id -> {
            if (response.closed()) {
                return;
            }
            boolean last = sent + 1 == events;
            response.write("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{"
                    + "\"content\":\"tok" + sent + " \"}}]" + (last
                    ? ",\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":" + events + "}" : "")
                    + ",\"sent_us\":" + nowMicros() + "}\n\n");
            if (last) {
                response.end("data: [DONE]\n\n");
            } else {
                stream(vertx, response, events, intervalMs, sent + 1);
            }
        });
    }

    /** Wall-clock microseconds since the epoch: comparable between processes on one machine. */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
