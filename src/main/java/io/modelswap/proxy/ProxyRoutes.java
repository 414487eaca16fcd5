package io.modelswap.proxy;

import io.modelswap.failure.FailureCause;
import io.modelswap.http.FailureAnswer;
import io.modelswap.http.OpenAiError;
import io.modelswap.http.BadRequestException;
import io.modelswap.http.RequestGuard;
import io.modelswap.http.BoundedBody;
import io.modelswap.http.BodyBudget;
import io.modelswap.settings.ModelswapSettings;
import io.modelswap.config.ModelConfig;
import io.modelswap.metrics.RequestTracker;
import io.modelswap.process.ProcessView;
import io.modelswap.process.ProcessState;
import io.modelswap.router.Grant;
import io.modelswap.router.PendingRequest;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The model-routed endpoints: find the requested model, ask the router for it, and forward the request once the
 * model is ready. Registered directly on Vert.x's router, ahead of the REST endpoints, on exact paths only, so the
 * management API ({@code /v1/models}, {@code /running}, ...) is never shadowed.
 */
@ApplicationScoped
public class ProxyRoutes {

    private static final Logger LOG = Logger.getLogger(ProxyRoutes.class);
    /** The upstream path whose streaming requests may get a loading stream ({@code /v1/...} and {@code /v/...}). */
    private static final String CHAT_COMPLETIONS = "/chat/completions";
    /** Bodies up to this size are parsed on the event loop (well under a millisecond); larger ones on a worker. */
    static final int INLINE_PARSE_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Router router;
    private final UpstreamForwarder forwarder;
    private final RequestTracker tracker;
    private final long maxBodyBytes;
    private final BodyBudget budget;

    public ProxyRoutes(Vertx vertx, Router router, UpstreamForwarder forwarder, RequestTracker tracker,
            ModelswapSettings settings, BodyBudget budget) {
        this.budget = budget;
        this.vertx = vertx;
        this.router = router;
        this.forwarder = forwarder;
        this.tracker = tracker;
        this.maxBodyBytes = settings.proxy().maxBodySize().asLongValue();
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        for (ModelRoutes.Route route : ModelRoutes.ALL) {
            web.route(HttpMethod.valueOf(route.method()), route.path()).handler(rc -> onModelRoute(rc, route));
        }
        web.route("/upstream/*").handler(this::onUpstream);
    }

    private void onModelRoute(RoutingContext rc, ModelRoutes.Route route) {
        HttpServerRequest request = rc.request();
        request.pause();
        String upstreamUri = route.upstreamPath() + (request.query() == null ? "" : "?" + request.query());
        RouterView view = router.view();
        if (view == null) {
            OpenAiError.send(rc.response(), 503, "modelswap is starting");
            return;
        }
        if (request.method() == HttpMethod.GET) {
            RequestGuard.run(rc.response(), "routing the request", () -> {
                RequestedModel requested = ModelExtractor.fromQuery(request.params());
                dispatch(rc, resolve(view, requested.name()), upstreamUri, null, false);
            });
            return;
        }
        BoundedBody.read(rc, maxBodyBytes, budget).onComplete(read -> RequestGuard.run(rc.response(),
                "reading the request body", () -> {
                    if (read.failed()) {
                        throw read.cause();
                    }
                    Buffer body = read.result();
                    if (body.length() <= INLINE_PARSE_BYTES) {
                        Prepared prepared = prepare(route, body, request.getHeader(HttpHeaders.CONTENT_TYPE));
                        dispatch(rc, prepared.model(), upstreamUri, prepared.body(), prepared.mayShowLoading());
                        return;
                    }
                    // a large body's parse takes time proportional to its size: not on the event loop
                    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
                    vertx.executeBlocking(() -> prepare(route, body, contentType), false).onComplete(prepared ->
                            RequestGuard.run(rc.response(), "reading the request body", () -> {
                                if (prepared.failed()) {
                                    throw prepared.cause();
                                }
                                Prepared ready = prepared.result();
                                dispatch(rc, ready.model(), upstreamUri, ready.body(), ready.mayShowLoading());
                            }));
                }));
    }

    /** A body read, its model found and resolved, and the body rewritten for that model if it asks for it. */
    private record Prepared(ModelConfig model, Buffer body, boolean mayShowLoading) {
    }

    /** Pure and thread-safe (the router's view is an immutable snapshot): runs on the event loop or on a worker. */
    private Prepared prepare(ModelRoutes.Route route, Buffer body, String contentType) {
        RequestedModel requested = ModelExtractor.fromBody(contentType, body);
        ModelConfig model = resolve(router.view(), requested.name());
        Buffer forwarded = body;
        if (requested.json() && RequestRewriter.needsRewrite(model)) {
            forwarded = RequestRewriter.rewriteJson(body, model, requested.name());
        }
        boolean mayShowLoading = requested.stream() && model.sendLoadingState()
                && route.upstreamPath().endsWith(CHAT_COMPLETIONS);
        return new Prepared(model, forwarded, mayShowLoading);
    }

    private void onUpstream(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        request.pause();
        RouterView view = router.view();
        if (view == null) {
            OpenAiError.send(rc.response(), 503, "modelswap is starting");
            return;
        }
        try {
            Optional<UpstreamPath> path = UpstreamPath.match(request.path(), view.config());
            if (path.isEmpty()) {
                throw new BadRequestException(404, FailureCause.UNKNOWN_MODEL.code(), "no configured model matches "
                        + request.path() + "; GET /v1/models lists them");
            }
            if (path.get().rest().isEmpty()) {
                // llama-swap's behaviour: /upstream/<model> redirects to /upstream/<model>/
                boolean safe = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
                rc.response().setStatusCode(safe ? 301 : 308)
                        .putHeader(HttpHeaders.LOCATION, request.path() + "/"
                                + (request.query() == null ? "" : "?" + request.query()))
                        .end();
                return;
            }
            String uri = path.get().rest() + (request.query() == null ? "" : "?" + request.query());
            dispatch(rc, path.get().model(), uri, null, false);
        } catch (BadRequestException e) {
            RequestGuard.answer(rc.response(), "routing an upstream request", e);
        }
    }

    /**
     * Asks the router for the model, then forwards; the grant is released exactly once whatever happens. With
     * {@code mayShowLoading} (a streaming chat request for a {@code sendLoadingState} model) and a model that is not
     * ready, the client gets a loading stream once admitted; admission errors such as 429 still come first, as plain
     * HTTP errors.
     */
    private void dispatch(RoutingContext rc, ModelConfig model, String upstreamUri, Buffer body,
            boolean mayShowLoading) {
        HttpServerResponse response = rc.response();
        Context httpContext = vertx.getOrCreateContext();
        // Whether the model is ready only chooses what the client sees while waiting: an advisory read.
        boolean showLoading = mayShowLoading && !isReady(model);
        PendingRequest pending = router.submit(model.id());
        tracker.begin(rc, model.id(), pending, body);
        response.closeHandler(v -> router.cancel(pending));
        if (!showLoading) {
            pending.grant().onComplete(granted -> httpContext.runOnContext(v -> RequestGuard.run(response,
                    "forwarding the request", () -> serve(rc, pending, upstreamUri, body))));
            return;
        }
        pending.admission().onComplete(admitted -> httpContext.runOnContext(v -> RequestGuard.run(response,
                "waiting for the model", () -> {
            if (admitted.failed() || pending.grant().isComplete()) {
                serve(rc, pending, upstreamUri, body); // refused, or ready already: nothing to show
                return;
            }
            if (response.closed()) {
                return; // the close handler has cancelled the request
            }
            LoadingStream loading = LoadingStream.start(vertx, response, model.id());
            response.closeHandler(closed -> {
                loading.stop();
                router.cancel(pending);
            });
            pending.onQueuePosition(position -> httpContext.runOnContext(x -> loading.queuePosition(position)));
            pending.grant().onComplete(granted -> httpContext.runOnContext(x -> {
                if (granted.failed()) {
                    FailureAnswer error = FailureAnswer.of(granted.cause());
                    tracker.failed(response, error);
                    loading.fail(error.status(), error.code(), error.message());
                    return;
                }
                if (response.closed()) {
                    loading.stop();
                    router.serveDone(pending);
                    return;
                }
                loading.done();
                forward(rc, pending, granted.result(), upstreamUri, body, true, true);
            }));
        })));
    }

    /** Once the grant is settled: forward the request, or answer the router's refusal. On the request's context. */
    private void serve(RoutingContext rc, PendingRequest pending, String upstreamUri, Buffer body) {
        HttpServerResponse response = rc.response();
        Future<Grant> granted = pending.grant();
        if (granted.failed()) {
            FailureAnswer error = FailureAnswer.of(granted.cause());
            tracker.failed(response, error);
            error.send(response);
            return;
        }
        if (response.closed()) {
            router.serveDone(pending);
            return;
        }
        forward(rc, pending, granted.result(), upstreamUri, body, false, true);
    }

    /**
     * Forwards a granted request (whole, or only its answer's body into a loading stream) and releases the grant when
     * the exchange is over. An upstream that refuses the connection, or loses it before answering, may have crashed
     * an instant ago: the router is told, restarts the model if its server is gone, and the request is forwarded once
     * more to what it grants then (a request the upstream may have received only to a new instance); a second loss is
     * answered as the upstream failure it is. On the HTTP context.
     */
    private void forward(RoutingContext rc, PendingRequest pending, Grant grant, String upstreamUri, Buffer body,
            boolean intoLoadingStream, boolean mayRetry) {
        Context httpContext = vertx.getOrCreateContext();
        Future<Void> exchange = intoLoadingStream
                ? forwarder.forwardBody(rc.request(), grant.model(), upstreamUri, body, mayRetry)
                : forwarder.forward(rc.request(), grant.model(), upstreamUri, body, mayRetry);
        exchange.onComplete(done -> httpContext.runOnContext(v -> {
            if (done.succeeded() || !(done.cause() instanceof UpstreamLostException lost)) {
                router.serveDone(pending);
                return;
            }
            LOG.infof("%s; the router restarts the model if its server is gone, then the request is sent again",
                    lost.getMessage());
            HttpServerResponse response = rc.response();
            PendingRequest retry = router.retryAfterRefusal(pending, lost.requestSent());
            response.closeHandler(closed -> router.cancel(retry));
            retry.grant().onComplete(granted -> httpContext.runOnContext(w -> {
                if (granted.failed()) {
                    FailureAnswer error = FailureAnswer.of(granted.cause());
                    if (!intoLoadingStream) {
                        error.send(response);
                    } else if (error.reachesClient() && !response.closed() && !response.ended()) {
                        response.end(OpenAiError.sseEvent(error.body()));
                    }
                } else if (response.closed()) {
                    router.serveDone(retry);
                } else {
                    forward(rc, retry, granted.result(), upstreamUri, body, intoLoadingStream, false);
                }
            }));
        }));
    }

    private boolean isReady(ModelConfig model) {
        RouterView view = router.view();
        ProcessView process = view == null ? null : view.processes().get(model.id());
        return process != null && process.state() == ProcessState.READY;
    }

    private static ModelConfig resolve(RouterView view, String requested) {
        return view.config().resolve(requested).orElseThrow(() -> new BadRequestException(404, FailureCause.UNKNOWN_MODEL.code(),
                "model '" + requested + "' not found; GET /v1/models lists the configured models"));
    }
}
