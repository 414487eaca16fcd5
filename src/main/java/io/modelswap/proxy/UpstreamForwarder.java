package io.modelswap.proxy;

import io.modelswap.http.BoundedBody;
import io.modelswap.backend.Upstream;
import io.modelswap.settings.ModelswapSettings;
import io.modelswap.config.UpstreamTimeouts;
import io.modelswap.metrics.RequestTracker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.netty.channel.ConnectTimeoutException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Sends one leased request to its {@link Upstream} and streams the answer back, chunk by chunk as the upstream writes
 * it: nothing is buffered on the way back, and a client that goes away (or a cancel) resets the upstream request so a
 * long generation stops too. {@link AnswerRelay} writes what comes of the exchange to the client. Hand-written on
 * Vert.x's {@link HttpClient} rather than vertx-http-proxy because modelswap must read the body before it knows the
 * origin, wait for a swap, answer failures in the OpenAI envelope and apply per-model timeouts; the library would be
 * left with header filtering only.
 */
@ApplicationScoped
public class UpstreamForwarder {

    private static final Logger LOG = Logger.getLogger(UpstreamForwarder.class);

    private final Vertx vertx;
    private final UpstreamPools pools;
    private final AnswerRelay answers;
    private final ModelswapSettings settings;
    /** The timer that closes upstream clients nobody used for a while ({@link UpstreamPools#sweep}). */
    private final long sweeper;
    private static final long SWEEP_MILLIS = 60_000;

    public UpstreamForwarder(Vertx vertx, RequestTracker tracker, ModelswapSettings settings) {
        this.vertx = vertx;
        this.answers = new AnswerRelay(tracker);
        this.settings = settings;
        this.pools = new UpstreamPools(vertx);
        this.sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> pools.sweep(System.currentTimeMillis()));
    }

    void warnAboutIgnoredSettings(@Observes StartupEvent event) {
        settings.proxy().maxConnectionsPerUpstream().ifPresent(ignored -> LOG.warn("modelswap.proxy."
                + "max-connections-per-upstream is ignored: each upstream's connection pool follows its model's"
                + " concurrencyLimit now; remove the setting"));
    }

    void close(@Observes ShutdownEvent event) {
        vertx.cancelTimer(sweeper);
        pools.close();
    }

    /** One exchange with an upstream under way: its end, and the way to cut it short. */
    public interface Forwarding {
        /**
         * Completes when the exchange is over, whether it succeeded or not: the caller releases its lease then. Fails
         * only with {@link UpstreamLostException} (see {@code refusalRetried}).
         */
        Future<Void> done();

        /** Resets the upstream request (the model stops generating) and ends the exchange; the client is not told. */
        void cancel();
    }

    /**
     * Forwards the request in {@code server} to {@code upstream} at {@code path} (raw, query included). With a
     * {@code body} the buffered body is sent; without, the request body is piped through. Call on the request's
     * context.
     *
     * @param refusalRetried when true, an upstream that refuses the connection (nothing listens on its port: it may
     *                       have crashed), or loses it before any response header while a buffered body was sent,
     *                       is not answered: the exchange fails with {@link UpstreamLostException} and the client has
     *                       been told nothing, so the caller may forward the request again
     */
    public Forwarding forward(HttpServerRequest server, Upstream upstream, String path, Buffer body,
            boolean refusalRetried) {
        return exchange(server, upstream, path, body, answers.wholeAnswer, refusalRetried, false);
    }

    /**
     * Like {@link #forward}; with {@code failsOver} (the lease can move the request to another target) every failure
     * before the first byte of the answer ends the exchange with {@link UpstreamLostException} and tells the client
     * nothing: a connection that cannot be made (refused, timed out, no route), one lost before any response header
     * (buffered bodies only: a piped one cannot be sent again), and no response header within
     * {@code timeouts.responseHeader}.
     */
    public Forwarding forward(HttpServerRequest server, Upstream upstream, String path, Buffer body,
            boolean refusalRetried, boolean failsOver) {
        return exchange(server, upstream, path, body, answers.wholeAnswer, refusalRetried || failsOver, failsOver);
    }

    /**
     * Like {@link #forward}, into a response whose 200 and {@code text/event-stream} headers are already sent (a
     * loading stream): only the upstream's body is piped. An upstream that answers anything but 200, or cannot be
     * reached, is told as a last {@code data: {"error":...}} event, since the status line cannot change any more.
     */
    public Forwarding forwardBody(HttpServerRequest server, Upstream upstream, String path, Buffer body,
            boolean refusalRetried, boolean failsOver) {
        return exchange(server, upstream, path, body, answers.bodyOnly, refusalRetried || failsOver, failsOver);
    }

    /** The state of one exchange; touched on the request's context only. */
    private static final class Exchange implements Forwarding {
        final Promise<Void> done = Promise.promise();
        HttpClientRequest upstream;
        boolean cancelled;

        @Override
        public Future<Void> done() {
            return done.future();
        }

        @Override
        public void cancel() {
            cancelled = true;
            // done first: the reset fails the answer's pipe at once, which must see the exchange over, not broken
            boolean running = done.tryComplete();
            if (running && upstream != null) {
                upstream.reset();
            }
        }
    }

    private Forwarding exchange(HttpServerRequest server, Upstream target, String path, Buffer body,
            AnswerRelay.Sink sink, boolean refusalRetried, boolean failsOver) {
        Exchange exchange = new Exchange();
        Promise<Void> done = exchange.done;
        HttpServerResponse response = server.response();
        UpstreamTimeouts timeouts = target.timeouts();
        RequestOptions options = new RequestOptions()
                .setMethod(server.method())
                .setHost(target.host())
                .setPort(target.port())
                .setURI(UpstreamRequests.joinPath(target.base().getRawPath(), path))
                .setHeaders(UpstreamRequests.headers(server.headers(), body != null, target))
                .putHeader(HttpHeaders.HOST, target.host()
                        + (target.base().getPort() > 0 ? ":" + target.base().getPort() : ""));
        if (timeouts.connect() > 0) {
            options.setConnectTimeout(timeouts.connect() * 1000L);
        }
        UpstreamPools.Key poolKey = UpstreamPools.Key.of(target);
        HttpClient client = pools.acquire(poolKey, System.currentTimeMillis());
        done.future().onComplete(over -> pools.release(poolKey));
        // Go's Transport: with Expect: 100-continue from the client, the upstream is asked the same and the body waits
        boolean gated = timeouts.expectContinue() > 0 && BoundedBody.expectsContinue(server)
                && (body != null || server.getHeader(HttpHeaders.CONTENT_LENGTH) != null
                        || UpstreamRequests.hasBodyOfUnknownLength(server));
        if (gated) {
            options.putHeader(HttpHeaders.EXPECT, HttpHeaders.CONTINUE);
        }
        String model = target.model();
        requestWithOneRetry(client, options).onComplete(requested -> {
            if (exchange.cancelled) {
                if (requested.succeeded()) {
                    requested.result().reset();
                }
                return;
            }
            if (requested.failed() && refusalRetried && (failsOver || refused(requested.cause()))
                    && !response.closed()) {
                done.fail(new UpstreamLostException(model, requested.cause().getMessage(), false));
                return;
            }
            if (requested.failed()) {
                sink.fail(response, 502, failurePrefix(target) + "[" + model + "] upstream not reachable at "
                        + target.address() + ": " + UpstreamFailures.describe(requested.cause(), target), done);
                return;
            }
            HttpClientRequest upstream = requested.result();
            exchange.upstream = upstream;
            if (response.closed()) {
                // the client left while the connection was being made
                upstream.reset();
                done.tryComplete();
                return;
            }
            // Vert.x logs a request's failures at ERROR unless someone listens: the outcome is handled below.
            upstream.exceptionHandler(e -> LOG.debugf("[%s] upstream exchange: %s", model, e.getMessage()));
            // A client that goes away, or a cancel, ends the exchange through Forwarding.cancel(): the upstream request
            // is reset so the model stops generating for nobody, only while the exchange runs (a finished request's
            // connection is back in the pool, serving someone else).
            // Answer the 504 before resetting: the reset fails upstream.response(), which must then stay silent.
            AtomicBoolean timedOut = new AtomicBoolean();
            long headerTimer = timeouts.responseHeader() <= 0 ? -1
                    : vertx.setTimer(timeouts.responseHeader() * 1000L, id -> {
                        timedOut.set(true);
                        String silent = "[" + model + "] upstream sent no response within "
                                + timeouts.responseHeader() + "s (timeouts.responseHeader)";
                        if (failsOver && body != null && !response.closed()) {
                            done.fail(new UpstreamLostException(model, silent, true));
                        } else {
                            sink.fail(response, 504, silent, done);
                        }
                        upstream.reset();
                    });
            ContinueGate[] gate = new ContinueGate[1];
            upstream.response().onComplete(answered -> {
                if (headerTimer >= 0) {
                    vertx.cancelTimer(headerTimer);
                }
                if (answered.succeeded() && gate[0] != null && gate[0].answeredFirst()) {
                    // the body was never sent: the request cannot be finished on this connection, so it goes
                    done.future().onComplete(over -> upstream.reset());
                }
                if (timedOut.get()) {
                    if (answered.succeeded()) {
                        answered.result().request().reset();
                    }
                    return;
                }
                if (answered.failed()) {
                    if (response.closed() || exchange.cancelled) {
                        done.tryComplete(); // our own reset after the client left: nobody to tell
                    } else if (refusalRetried && body != null && (failsOver || connectionLost(answered.cause()))) {
                        // a server dying as it accepted the connection: the body can be sent again, to a new one
                        done.fail(new UpstreamLostException(model, answered.cause().getMessage(), true));
                    } else {
                        sink.fail(response, 502, failurePrefix(target) + "[" + model + "] upstream failed: "
                                + answered.cause().getMessage(), done);
                    }
                    return;
                }
                if (response.closed() || exchange.cancelled) {
                    answered.result().request().reset();
                    done.tryComplete();
                    return;
                }
                sink.relay(model, answered.result(), server, done);
            });
            Runnable sendBody;
            if (body != null) {
                if (gated) {
                    upstream.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
                }
                sendBody = () -> upstream.end(body);
            } else {
                if (server.getHeader(HttpHeaders.CONTENT_LENGTH) == null
                        && UpstreamRequests.hasBodyOfUnknownLength(server)) {
                    // a chunked HTTP/1.1 body, or an HTTP/2 one without Content-Length: whatever the method, sent on
                    // chunked (without it, Vert.x would refuse every write and the upstream get an empty body)
                    upstream.setChunked(true);
                }
                sendBody = () -> {
                    if (BoundedBody.expectsContinue(server) && !response.closed()) {
                        // the client waits for it before sending the body it pipes
                        server.response().writeContinue();
                    }
                    server.pipeTo(upstream).onFailure(e -> upstream.reset());
                };
            }
            if (gated) {
                gate[0] = ContinueGate.open(vertx, upstream, timeouts.expectContinue(), sendBody);
                done.future().onComplete(over -> gate[0].close());
            } else {
                sendBody.run();
            }
        });
        return exchange;
    }

    /** What a failure to reach a peer starts with, as llama-swap words it ("peer proxy error: ..."). */
    private static String failurePrefix(Upstream target) {
        return "peer".equals(target.kind()) ? "peer proxy error: " : "";
    }

    /** A connection refused: nothing listens on the upstream's port (as opposed to a timeout or a reset). */
    private static boolean refused(Throwable cause) {
        return cause instanceof java.net.ConnectException && !(cause instanceof ConnectTimeoutException)
                && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("refused");
    }

    /** The connection went away under the exchange (closed or reset by the peer), as opposed to a protocol error. */
    private static boolean connectionLost(Throwable cause) {
        return cause instanceof HttpClosedException || (cause instanceof java.io.IOException
                && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("reset"));
    }

    /**
     * Gets a connection and a request on it, trying a second time when the first fails. Nothing has been sent at this
     * point, so a retry is always safe; it covers a pooled keep-alive connection that the upstream closed just as it
     * was handed out (seen in the soak run as a rare 502 "Connection was closed").
     */
    private static Future<HttpClientRequest> requestWithOneRetry(HttpClient client, RequestOptions options) {
        return client.request(options).recover(first -> {
            if (UpstreamFailures.notWorthRetrying(first)) {
                return Future.failedFuture(first);
            }
            LOG.debugf("getting an upstream connection failed (%s), trying once more", first.getMessage());
            return client.request(options);
        });
    }
}
