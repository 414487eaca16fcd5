package io.modelswap.proxy;

import io.modelswap.app.ModelswapSettings;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.UpstreamTimeouts;
import io.modelswap.metrics.RequestTracker;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Sends one granted request to its upstream and streams the answer back, chunk by chunk as the upstream writes it:
 * nothing is buffered on the way back, and a client that goes away resets the upstream request so a long generation
 * stops too. Hand-written on Vert.x's {@link HttpClient} rather than vertx-http-proxy because modelswap must read the
 * body before it knows the origin, wait for a swap, answer failures in the OpenAI envelope and apply per-model
 * timeouts; the library would be left with header filtering only.
 */
@ApplicationScoped
public class UpstreamForwarder {

    private static final Logger LOG = Logger.getLogger(UpstreamForwarder.class);

    /**
     * RFC 9110 hop-by-hop headers, never forwarded in either direction; and {@code Expect}, which modelswap answers
     * itself (a 100 Continue once it reads the body) and must not ask of the upstream again.
     */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "expect");

    /** Most characters of an upstream's non-JSON error body quoted to the client. */
    private static final int ERROR_TEXT_LIMIT = 500;

    private final Vertx vertx;
    private final HttpClient client;
    private final RequestTracker tracker;

    public UpstreamForwarder(Vertx vertx, ModelswapSettings settings, RequestTracker tracker) {
        this.vertx = vertx;
        this.tracker = tracker;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(UpstreamTimeouts.DEFAULTS.idleConn())
                        .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(settings.proxy().maxConnectionsPerUpstream())
                        .setMaxWaitQueueSize(-1));
    }

    void close(@Observes ShutdownEvent event) {
        client.close();
    }

    /**
     * Forwards the request in {@code server} to {@code model}'s upstream at {@code path} (raw, query included). With
     * a {@code body} the buffered body is sent; without, the request body is piped through. Completes when the
     * exchange is over, whether it succeeded or not: the caller releases its grant then.
     */
    public Future<Void> forward(HttpServerRequest server, ModelConfig model, String path, Buffer body) {
        return exchange(server, model, path, body, wholeAnswer);
    }

    /**
     * Like {@link #forward}, into a response whose 200 and {@code text/event-stream} headers are already sent (a
     * loading stream): only the upstream's body is piped. An upstream that answers anything but 200, or cannot be
     * reached, is told as a last {@code data: {"error":...}} event, since the status line cannot change any more.
     */
    public Future<Void> forwardBody(HttpServerRequest server, ModelConfig model, String path, Buffer body) {
        return exchange(server, model, path, body, bodyOnly);
    }

    private Future<Void> exchange(HttpServerRequest server, ModelConfig model, String path, Buffer body,
            AnswerSink sink) {
        Promise<Void> done = Promise.promise();
        HttpServerResponse response = server.response();
        URI base = URI.create(model.proxy());
        UpstreamTimeouts timeouts = model.timeouts();
        RequestOptions options = new RequestOptions()
                .setMethod(server.method())
                .setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : 80)
                .setURI(joinPath(base.getRawPath(), path))
                .setHeaders(requestHeaders(server.headers(), body != null))
                .putHeader(HttpHeaders.HOST, base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : ""));
        if (timeouts.connect() > 0) {
            options.setConnectTimeout(timeouts.connect() * 1000L);
        }
        requestWithOneRetry(options).onComplete(requested -> {
            if (requested.failed()) {
                sink.fail(response, 502, "[" + model.id() + "] upstream not reachable at " + model.proxy() + ": "
                        + requested.cause().getMessage(), done);
                return;
            }
            HttpClientRequest upstream = requested.result();
            if (response.closed()) {
                // the client left while the connection was being made
                upstream.reset();
                done.tryComplete();
                return;
            }
            // Vert.x logs a request's failures at ERROR unless someone listens: the outcome is handled below.
            upstream.exceptionHandler(e -> LOG.debugf("[%s] upstream exchange: %s", model.id(), e.getMessage()));
            // The client went away: abort the upstream exchange so the model stops generating for nobody. Only while
            // the exchange is running: a finished request's connection is back in the pool, serving someone else.
            response.closeHandler(v -> {
                if (!done.future().isComplete()) {
                    upstream.reset();
                    done.tryComplete();
                }
            });
            // Answer the 504 before resetting: the reset fails upstream.response(), which must then stay silent.
            AtomicBoolean timedOut = new AtomicBoolean();
            long headerTimer = timeouts.responseHeader() <= 0 ? -1
                    : vertx.setTimer(timeouts.responseHeader() * 1000L, id -> {
                        timedOut.set(true);
                        sink.fail(response, 504, "[" + model.id() + "] upstream sent no response within "
                                + timeouts.responseHeader() + "s (timeouts.responseHeader)", done);
                        upstream.reset();
                    });
            upstream.response().onComplete(answered -> {
                if (headerTimer >= 0) {
                    vertx.cancelTimer(headerTimer);
                }
                if (timedOut.get()) {
                    if (answered.succeeded()) {
                        answered.result().request().reset();
                    }
                    return;
                }
                if (answered.failed()) {
                    if (response.closed()) {
                        done.tryComplete(); // our own reset after the client left: nobody to tell
                    } else {
                        sink.fail(response, 502, "[" + model.id() + "] upstream failed: "
                                + answered.cause().getMessage(), done);
                    }
                    return;
                }
                if (response.closed()) {
                    answered.result().request().reset();
                    done.tryComplete();
                    return;
                }
                sink.relay(model, answered.result(), response, done);
            });
            if (body != null) {
                upstream.end(body);
            } else {
                if (server.getHeader(HttpHeaders.CONTENT_LENGTH) == null && server.method().name().equals("POST")) {
                    upstream.setChunked(true);
                }
                if (BoundedBody.expectsContinue(server)) {
                    server.response().writeContinue(); // the client waits for it before sending the body it pipes
                }
                server.pipeTo(upstream).onFailure(e -> upstream.reset());
            }
        });
        return done.future();
    }

    /** How the upstream's answer (or the failure to get one) reaches the client. */
    private interface AnswerSink {
        void relay(ModelConfig model, HttpClientResponse upstream, HttpServerResponse response, Promise<Void> done);

        void fail(HttpServerResponse response, int status, String message, Promise<Void> done);
    }

    /** Status, headers and body, as the upstream sent them; failures as OpenAI error responses. */
    private final AnswerSink wholeAnswer = new AnswerSink() {
        @Override
        public void relay(ModelConfig model, HttpClientResponse upstream, HttpServerResponse response,
                Promise<Void> done) {
            response.setStatusCode(upstream.statusCode());
            response.setStatusMessage(upstream.statusMessage());
            upstream.headers().forEach((name, value) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    response.headers().add(name, value);
                }
            });
            String contentType = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                // nginx and other proxies in front of modelswap must not hold back tokens (llama-swap #236)
                response.headers().set("X-Accel-Buffering", "no");
            }
            if (upstream.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
                response.setChunked(true);
            }
            pipeBody(upstream, response, done);
        }

        @Override
        public void fail(HttpServerResponse response, int status, String message, Promise<Void> done) {
            LOG.warn(message);
            tracker.failed(response, status, message);
            OpenAiError.send(response, status, message);
            done.tryComplete();
        }
    };

    /** The body only, into an event stream already under way; failures as its last event. */
    private final AnswerSink bodyOnly = new AnswerSink() {
        @Override
        public void relay(ModelConfig model, HttpClientResponse upstream, HttpServerResponse response,
                Promise<Void> done) {
            if (upstream.statusCode() == 200 && isEventStream(upstream)) {
                pipeBody(upstream, response, done);
                return;
            }
            if (upstream.statusCode() == 200) {
                NonStreamingAnswer.relayAsEvent(model, upstream, response, done);
                return;
            }
            int status = upstream.statusCode();
            upstream.body().onComplete(read -> {
                String text = read.succeeded() ? read.result().toString() : "";
                JsonObject envelope = upstreamError(text);
                if (envelope == null) {
                    String message = "[" + model.id() + "] upstream answered " + status
                            + (text.isBlank() ? "" : ": " + abbreviate(text.strip()));
                    envelope = OpenAiError.body(status, OpenAiError.codeFor(status), message);
                }
                LOG.warnf("[%s] upstream answered %d after a loading stream: %s", model.id(), status,
                        abbreviate(text.strip()));
                tracker.failed(response, status, envelope.getValue("error") instanceof JsonObject e
                        && e.getValue("message") instanceof String m ? m : "upstream answered " + status);
                endWith(response, OpenAiError.sseEvent(envelope), done);
            });
        }

        @Override
        public void fail(HttpServerResponse response, int status, String message, Promise<Void> done) {
            LOG.warn(message);
            tracker.failed(response, status, message);
            endWith(response, OpenAiError.sseEvent(status, OpenAiError.codeFor(status), message), done);
        }
    };

    private static boolean isEventStream(HttpClientResponse upstream) {
        String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    private void pipeBody(HttpClientResponse upstream, HttpServerResponse response, Promise<Void> done) {
        tracker.tap(response, upstream).pipeTo(new LiveResponse(response)).onComplete(piped -> {
            if (piped.failed() && !response.closed()) {
                // The upstream died mid-answer: cut the client's connection so it sees a truncated stream rather
                // than a clean end that would pass for a complete answer.
                LOG.debugf("upstream answer broke off: %s", piped.cause().getMessage());
                tracker.failed(response, 502, "the upstream's answer broke off: " + piped.cause().getMessage());
                response.reset();
            }
            done.tryComplete();
        });
    }

    private static void endWith(HttpServerResponse response, String lastEvent, Promise<Void> done) {
        if (!response.closed() && !response.ended()) {
            response.end(lastEvent);
        }
        done.tryComplete();
    }

    /** The upstream's own {@code {"error":...}} envelope when its body is one, else null. */
    private static JsonObject upstreamError(String text) {
        try {
            Object parsed = Json.decodeValue(text);
            return parsed instanceof JsonObject json && json.getValue("error") != null ? json : null;
        } catch (DecodeException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= ERROR_TEXT_LIMIT ? text : text.substring(0, ERROR_TEXT_LIMIT) + "...";
    }

    /**
     * Gets a connection and a request on it, trying a second time when the first fails. Nothing has been sent at this
     * point, so a retry is always safe; it covers a pooled keep-alive connection that the upstream closed just as it
     * was handed out (seen in the soak run as a rare 502 "Connection was closed").
     */
    private Future<HttpClientRequest> requestWithOneRetry(RequestOptions options) {
        return client.request(options).recover(first -> {
            LOG.debugf("getting an upstream connection failed (%s), trying once more", first.getMessage());
            return client.request(options);
        });
    }

    private static MultiMap requestHeaders(MultiMap incoming, boolean bodyReplaced) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        incoming.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !(bodyReplaced && lower.equals("content-length"))) {
                headers.add(name, value);
            }
        });
        return headers;
    }

    static String joinPath(String basePath, String path) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return path;
        }
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        return base + path;
    }
}
