package io.modelswap.upstreammetrics;

import io.modelswap.config.ModelConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.modelswap.http.GetRequests;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One GET of a model's {@code metricsEndpoint}, bounded in time (the whole exchange, connect to last byte) and in
 * size. Never fails: the {@link Result} says what happened, with the text only when it is usable.
 */
final class UpstreamScraper {

    /** Larger answers are left out: llama-server's and vLLM's are a few KiB, a few hundred with many LoRAs. */
    static final int MAX_BYTES = 4 << 20;

    private final Vertx vertx;
    private final long timeoutMs;
    private volatile HttpClient client;

    /**
     * @param text    the exposition, or null
     * @param outcome {@code ok}, {@code timeout}, {@code error} (refused, reset, not 200), {@code too_large}
     */
    record Result(String text, String outcome) {
    }

    UpstreamScraper(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    Future<Result> scrape(ModelConfig model) {
        String base = model.proxy().endsWith("/") ? model.proxy().substring(0, model.proxy().length() - 1)
                : model.proxy();
        RequestOptions options;
        try {
            options = GetRequests.of(base + model.metricsEndpoint()).setConnectTimeout(timeoutMs)
                    .putHeader("Accept", "text/plain; version=0.0.4");
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(new Result(null, "error"));
        }
        Promise<Result> result = Promise.promise();
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        long timer = vertx.setTimer(timeoutMs, id -> {
            if (result.tryComplete(new Result(null, "timeout"))) {
                HttpClientRequest request = inFlight.get();
                if (request != null) {
                    request.reset();
                }
            }
        });
        client().request(options).compose(request -> {
            inFlight.set(request);
            return request.send();
        }).compose(response -> {
            String length = response.getHeader("Content-Length");
            if (response.statusCode() != 200) {
                return Future.succeededFuture(new Result(null, "error"));
            }
            if (length != null && length.strip().length() < 12 && Long.parseLong(length.strip()) > MAX_BYTES) {
                response.request().reset();
                return Future.succeededFuture(new Result(null, "too_large"));
            }
            Promise<Result> body = Promise.promise();
            Buffer read = Buffer.buffer();
            response.handler(chunk -> {
                if (read.length() + chunk.length() > MAX_BYTES) {
                    body.tryComplete(new Result(null, "too_large"));
                    response.request().reset();
                } else {
                    read.appendBuffer(chunk);
                }
            });
            response.endHandler(v -> body.tryComplete(new Result(read.toString(StandardCharsets.UTF_8), "ok")));
            response.exceptionHandler(e -> body.tryComplete(new Result(null, "error")));
            return body.future();
        }).onComplete(done -> {
            vertx.cancelTimer(timer);
            result.tryComplete(done.succeeded() ? done.result() : new Result(null, "error"));
        });
        return result.future();
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    // made on first use, not at build time: a native image must not hold a started client
                    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(16)
                            .setName("modelswap-upstream-metrics"));
                }
                c = client;
            }
        }
        return c;
    }
}
