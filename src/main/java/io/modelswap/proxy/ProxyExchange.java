package io.modelswap.proxy;

import io.modelswap.backend.Acquisition;
import io.modelswap.backend.Lease;
import io.modelswap.backend.ServedModel;
import io.modelswap.http.FailureAnswer;
import io.modelswap.http.OpenAiError;
import io.modelswap.http.RequestGuard;
import io.modelswap.metrics.LiveRequest;
import io.modelswap.metrics.RequestTracker;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * One proxied request's journey, from the moment its model is known: acquire the model, maybe show a loading
 * stream while it loads, forward the request once leased, release the lease when the exchange is over, and ask again
 * once when an upstream refused or lost the connection. The lease is released exactly once whatever happens.
 *
 * <p>Every step runs on the request's own context (the backend's callbacks hop back to it), so the fields need no
 * lock. Two things end a request early, alike: the client leaving (the response's close handler) and a cancel from
 * the API ({@link LiveRequest#cancel}); neither waits for the other, and a cancel does not depend on a close handler
 * running (HTTP/1.x runs none when the server closes the connection itself).
 */
final class ProxyExchange {

    private static final Logger LOG = Logger.getLogger(ProxyExchange.class);

    private final Vertx vertx;
    private final RoutingContext rc;
    private final HttpServerResponse response;
    private final Context http;
    private final UpstreamForwarder forwarder;
    private final RequestTracker tracker;
    private final ServedModel model;
    private final String upstreamUri;
    private final Buffer body;
    private final Reshape reshape;

    /** The acquisition in force: the first, or the one asked for after a lost connection. */
    private Acquisition acquisition;
    private UpstreamForwarder.Forwarding forwarding;
    private LoadingStream loading;
    /** What the tracker follows of this request; told which target a failover selector's lease points to. */
    private LiveRequest live;
    /** The client left, or the request was cancelled: nothing more is started for it. */
    private boolean over;

    private ProxyExchange(Vertx vertx, RoutingContext rc, UpstreamForwarder forwarder, RequestTracker tracker,
            ServedModel model, String upstreamUri, Buffer body, Reshape reshape) {
        this.reshape = reshape;
        this.vertx = vertx;
        this.rc = rc;
        this.response = rc.response();
        this.http = vertx.getOrCreateContext();
        this.forwarder = forwarder;
        this.tracker = tracker;
        this.model = model;
        this.upstreamUri = upstreamUri;
        this.body = body;
    }

    /**
     * Acquires {@code model} and serves the request. With {@code mayShowLoading} (a streaming chat request for a
     * {@code sendLoadingState} model) and a model that does not look ready, the client gets a loading stream once
     * admitted; admission errors such as 429 still come first, as plain HTTP errors. Call on the request's context.
     */
    static void start(Vertx vertx, RoutingContext rc, UpstreamForwarder forwarder, RequestTracker tracker,
            ServedModel model, String requested, String upstreamUri, Buffer body, boolean mayShowLoading,
            Reshape reshape) {
        ProxyExchange exchange = new ProxyExchange(vertx, rc, forwarder, tracker, model, upstreamUri, body, reshape);
        // Whether the model looks ready only chooses what the client sees while waiting: an advisory read.
        boolean showLoading = mayShowLoading && !model.backend().looksReady(model);
        exchange.acquisition = model.acquire(ProxyRoutes.priorityOf(rc));
        LiveRequest live = tracker.begin(rc, exchange.acquisition, body, requested);
        exchange.live = live;
        live.onCancel(exchange::cancel);
        exchange.response.closeHandler(v -> exchange.end());
        if (showLoading) {
            exchange.acquisition.admission().onComplete(admitted -> exchange.onHttp("waiting for the model",
                    () -> exchange.admitted(admitted)));
        } else {
            exchange.acquisition.lease().onComplete(leased -> exchange.onHttp("forwarding the request",
                    () -> exchange.serve(leased)));
        }
    }

    /** Once the lease is settled: forward the request, or answer the failure. */
    private void serve(AsyncResult<Lease> leased) {
        if (leased.failed()) {
            if (!over) {
                FailureAnswer error = FailureAnswer.of(leased.cause());
                tracker.failed(response, error);
                error.send(response);
            }
            return;
        }
        if (over || response.closed()) {
            leased.result().release();
            return;
        }
        forward(leased.result(), false, true);
    }

    /** Admitted (or refused): a model still loading gets the loading stream, anything else is served as usual. */
    private void admitted(AsyncResult<Void> admitted) {
        if (admitted.failed() || acquisition.lease().isComplete()) {
            acquisition.lease().onComplete(leased -> onHttp("forwarding the request", () -> serve(leased)));
            return;
        }
        if (over || response.closed()) {
            return; // ended: the acquisition is cancelled
        }
        loading = LoadingStream.start(vertx, response, model.id());
        acquisition.onQueuePosition(position -> http.runOnContext(x -> loading.queuePosition(position)));
        acquisition.onLoadProgress(step -> http.runOnContext(x -> loading.loadStep(step)));
        acquisition.lease().onComplete(leased -> onHttp("waiting for the model", () -> {
            if (leased.failed()) {
                FailureAnswer error = FailureAnswer.of(leased.cause());
                if (over || !error.reachesClient()) {
                    loading.stop();
                    return;
                }
                tracker.failed(response, error);
                loading.fail(error.status(), error.code(), error.message());
                return;
            }
            if (over || response.closed()) {
                loading.stop();
                leased.result().release();
                return;
            }
            loading.done();
            forward(leased.result(), true, true);
        }));
    }

    /**
     * Forwards the leased request (whole, or only its answer's body into a loading stream) and releases the lease when
     * the exchange is over. An upstream that refuses the connection, or loses it before answering, may have crashed
     * an instant ago: the lease is handed back with a new request for the model, which restarts it if its server is
     * gone, and the request is forwarded once more to what that leases (a request the upstream may have received only
     * to a new instance); a second loss is answered as the upstream failure it is.
     */
    private void forward(Lease lease, boolean intoLoadingStream, boolean mayRetry) {
        String uri = upstreamUri;
        Buffer out = body;
        Reshape.Shaped shaped = lease.served() == null ? null : reshape.forTarget(lease.served());
        if (lease.served() != null) {
            live.servedBy(lease.served().id());
        }
        if (shaped != null) {
            uri = shaped.uri();
            out = shaped.body();
        }
        // a lease that fails over moves on at any failure before the answer's first byte, however often it did
        forwarding = intoLoadingStream
                ? forwarder.forwardBody(rc.request(), lease.upstream(), uri, out, mayRetry, lease.failsOver())
                : forwarder.forward(rc.request(), lease.upstream(), uri, out, mayRetry, lease.failsOver());
        forwarding.done().onComplete(done -> onHttp("forwarding the request", () -> {
            forwarding = null;
            if (over || done.succeeded() || !(done.cause() instanceof UpstreamLostException lost)) {
                lease.release();
                return;
            }
            if (!lease.failsOver()) {
                LOG.infof("%s; the model is restarted if its server is gone, then the request is sent again",
                        lost.getMessage());
            }
            acquisition = lease.retryAfterLoss(lost.requestSent());
            acquisition.lease().onComplete(leased -> onHttp("forwarding the request", () -> {
                if (leased.failed()) {
                    FailureAnswer error = FailureAnswer.of(leased.cause());
                    if (over) {
                        return;
                    }
                    if (!intoLoadingStream) {
                        error.send(response);
                    } else if (error.reachesClient() && !response.closed() && !response.ended()) {
                        response.end(OpenAiError.sseEvent(error.body()));
                    }
                } else if (over || response.closed()) {
                    leased.result().release();
                } else {
                    forward(leased.result(), intoLoadingStream, false);
                }
            }));
        }));
    }

    /**
     * The client went away: withdraw the request (or release its lease), stop the upstream exchange and the loading
     * stream. Idempotent.
     */
    private void end() {
        if (over) {
            return;
        }
        over = true;
        acquisition.cancel();
        if (forwarding != null) {
            forwarding.cancel();
        }
        if (loading != null) {
            loading.stop();
        }
    }

    /**
     * Cancelled through the API: ended as if the client had gone, and the client's exchange is cut (HTTP/2: the stream
     * is reset; HTTP/1.x: the connection is closed, which still runs the request's end handlers).
     */
    private void cancel() {
        end();
        if (!response.ended() && !response.closed()) {
            AnswerRelay.cut(rc.request());
        }
    }

    /** Runs {@code step} on the request's context, any failure answered. */
    private void onHttp(String what, RequestGuard.Step step) {
        http.runOnContext(v -> RequestGuard.run(response, what, step));
    }
}
