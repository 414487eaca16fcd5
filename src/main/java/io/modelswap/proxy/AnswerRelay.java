package io.modelswap.proxy;

import io.modelswap.http.OpenAiError;
import io.modelswap.metrics.RequestTracker;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * How an upstream's answer, or the failure to get one, reaches the client: {@link #wholeAnswer} relays status, headers
 * and body as the upstream sent them; {@link #bodyOnly} pipes only the body into an event stream already under way (a
 * loading stream). Either way an answer the upstream breaks off never looks complete: the client's connection is cut.
 * {@link UpstreamForwarder} decides which exchange happens; this class only writes what came of it.
 */
final class AnswerRelay {

    private static final Logger LOG = Logger.getLogger(AnswerRelay.class);

    /** The OpenAI error code of an answer the upstream broke off. */
    static final String UPSTREAM_DISCONNECTED = "upstream_disconnected";

    /** Most characters of an upstream's non-JSON error body quoted to the client. */
    private static final int ERROR_TEXT_LIMIT = 500;

    private final RequestTracker tracker;

    AnswerRelay(RequestTracker tracker) {
        this.tracker = tracker;
    }

    /** The last event of a stream that the upstream broke off, before the connection is cut. */
    static String brokenStreamEvent(String model) {
        return OpenAiError.sseEvent(502, UPSTREAM_DISCONNECTED, "[" + model + "] the upstream closed the"
                + " connection in the middle of its answer (it may have crashed); the answer is incomplete");
    }

    /** How the upstream's answer (or the failure to get one) reaches the client. */
    interface Sink {
        void relay(String model, HttpClientResponse upstream, HttpServerRequest server, Promise<Void> done);

        void fail(HttpServerResponse response, int status, String message, Promise<Void> done);
    }

    /** Status, headers and body, as the upstream sent them; failures as OpenAI error responses. */
    final Sink wholeAnswer = new Sink() {
        @Override
        public void relay(String model, HttpClientResponse upstream, HttpServerRequest server,
                Promise<Void> done) {
            HttpServerResponse response = server.response();
            response.setStatusCode(upstream.statusCode());
            response.setStatusMessage(upstream.statusMessage());
            MultiMap headers = response.headers();
            for (Map.Entry<String, String> header : upstream.headers()) {
                if (!UpstreamRequests.isHopByHop(header.getKey())) {
                    headers.add(header.getKey(), header.getValue());
                }
            }
            String contentType = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
            if (isEventStream(contentType)) {
                // nginx and other proxies in front of modelswap must not hold back tokens (llama-swap #236)
                response.headers().set("X-Accel-Buffering", "no");
            }
            if (upstream.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
                response.setChunked(true);
            }
            pipeBody(model, upstream, server, isEventStream(contentType), done);
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
    final Sink bodyOnly = new Sink() {
        @Override
        public void relay(String model, HttpClientResponse upstream, HttpServerRequest server,
                Promise<Void> done) {
            HttpServerResponse response = server.response();
            if (upstream.statusCode() == 200 && isEventStream(upstream.getHeader(HttpHeaders.CONTENT_TYPE))) {
                pipeBody(model, upstream, server, true, done);
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
                    String message = "[" + model + "] upstream answered " + status
                            + (text.isBlank() ? "" : ": " + abbreviate(text.strip()));
                    envelope = OpenAiError.body(status, OpenAiError.codeFor(status), message);
                }
                LOG.warnf("[%s] upstream answered %d after a loading stream: %s", model, status,
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

    /**
     * Pipes the upstream's body to the client. An upstream that breaks off (it crashed, or closed the connection)
     * must not look like a finished answer: Vert.x's pipe would end the response cleanly (a terminating chunk, or a
     * Content-Length the client then waits for forever), so it is told not to, and the client's connection is cut
     * instead, after one last error event when the answer is an event stream. Every HTTP client raises on that.
     */
    private void pipeBody(String model, HttpClientResponse upstream, HttpServerRequest server,
            boolean eventStream, Promise<Void> done) {
        HttpServerResponse response = server.response();
        LiveResponse live = new LiveResponse(response, () -> tracker.completing(response));
        tracker.tap(response, upstream).pipe().endOnFailure(false).to(live).onComplete(piped -> {
            // a cancelled exchange (done already) broke off on purpose: the proxy ends the client's exchange itself
            // a pipe the client broke (it reset its connection mid-answer) is a hang-up, accounted as such when Vert.x
            // closes the response; only a failure on the upstream's side is the upstream breaking off
            if (piped.failed() && !live.clientFailed() && !response.ended() && !done.future().isComplete()) {
                LOG.warnf("[%s] the upstream broke off its answer (%s); cutting the client's connection so that the"
                        + " partial answer cannot pass for a complete one", model, piped.cause().getMessage());
                tracker.failed(response, 502, "the upstream broke off its answer: " + piped.cause().getMessage());
                if (eventStream) {
                    response.write(brokenStreamEvent(model)).onComplete(written -> cut(server));
                } else {
                    cut(server);
                }
            }
            done.tryComplete();
        });
    }

    /**
     * Ends the client's exchange as a failure: HTTP/2 resets the stream; HTTP/1.x closes the connection, without the
     * terminating chunk. Not {@code response.reset()} there: it marks the response closed first, and Vert.x then
     * skips its end handlers when the connection goes, so the request would never be accounted for.
     */
    static void cut(HttpServerRequest server) {
        if (server.version() == HttpVersion.HTTP_2) {
            server.response().reset();
        } else {
            server.connection().close();
        }
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
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
}
