package io.modelswap.proxy;

import io.modelswap.backend.Backends;
import io.modelswap.backend.ServedModel;
import io.modelswap.config.AccessKey;
import io.modelswap.failure.FailureCause;
import io.modelswap.http.BadRequestException;
import io.modelswap.http.BodyBudget;
import io.modelswap.http.BoundedBody;
import io.modelswap.http.OpenAiError;
import io.modelswap.http.RequestGuard;
import io.modelswap.metrics.RequestTracker;
import io.modelswap.settings.ModelswapSettings;
import io.modelswap.websocket.WebSocketProxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * The model-routed endpoints: find the requested model among the backends, and hand the request to a
 * {@link ProxyExchange}, which acquires the model and forwards the request once it is leased. Registered directly on
 * Vert.x's router, ahead of the REST endpoints, on exact paths only, so the management API ({@code /v1/models},
 * {@code /running}, ...) is never shadowed.
 */
@ApplicationScoped
public class ProxyRoutes {

    /** The upstream path whose streaming requests may get a loading stream ({@code /v1/...} and {@code /v/...}). */
    private static final String CHAT_COMPLETIONS = "/chat/completions";
    /** Bodies up to this size are parsed on the event loop (well under a millisecond); larger ones on a worker. */
    static final int INLINE_PARSE_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Backends backends;
    private final UpstreamForwarder forwarder;
    private final RequestTracker tracker;
    private final long maxBodyBytes;
    private final BodyBudget budget;
    private final WebSocketProxy websockets;

    public ProxyRoutes(Vertx vertx, Backends backends, UpstreamForwarder forwarder, RequestTracker tracker,
            ModelswapSettings settings, BodyBudget budget, WebSocketProxy websockets) {
        this.budget = budget;
        this.websockets = websockets;
        this.vertx = vertx;
        this.backends = backends;
        this.forwarder = forwarder;
        this.tracker = tracker;
        this.maxBodyBytes = settings.proxy().maxBodySize().asLongValue();
    }

    /**
     * Whether {@code normalizedPath} is one a client uses models through (a model route, {@code /upstream/...},
     * {@code /comfyui/...}, the model list), as opposed to a management endpoint: what a scoped API key without
     * {@code management} may call.
     */
    public static boolean isModelRoute(String normalizedPath) {
        if (normalizedPath == null) {
            return false;
        }
        return ModelRoutes.PATHS.contains(normalizedPath) || normalizedPath.startsWith(UpstreamPath.PREFIX)
                || normalizedPath.equals(ComfyUi.PREFIX) || normalizedPath.startsWith(ComfyUi.PREFIX + "/")
                || normalizedPath.equals("/v1/models") || normalizedPath.equals("/models");
    }

    /** 403 unless the request's API key (when keys are in force) may use {@code model}. */
    private static void checkScope(RoutingContext rc, ServedModel model, String requested) {
        AccessKey key = rc.get(AccessKey.CONTEXT_KEY);
        if (key != null && !key.allows(model.id())) {
            throw new BadRequestException(403, "model_not_allowed", "API key '" + key.name() + "' may not use"
                    + " model '" + requested + "'");
        }
    }

    /** The queue priority the request's API key adds (0 without keys). */
    static int priorityOf(RoutingContext rc) {
        AccessKey key = rc.get(AccessKey.CONTEXT_KEY);
        return key == null ? 0 : key.priority();
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        for (ModelRoutes.Route route : ModelRoutes.ALL) {
            web.route(HttpMethod.valueOf(route.method()), route.path()).handler(rc -> onModelRoute(rc, route));
        }
        web.route("/upstream/*").handler(this::onUpstream);
        web.route(ComfyUi.PREFIX).handler(rc -> ComfyUi.redirect(rc));
        web.route(ComfyUi.PREFIX + "/*").handler(this::onComfyUi);
    }

    private void onModelRoute(RoutingContext rc, ModelRoutes.Route route) {
        HttpServerRequest request = rc.request();
        request.pause();
        String upstreamUri = route.upstreamPath() + (request.query() == null ? "" : "?" + request.query());
        if (!backends.ready()) {
            OpenAiError.send(rc.response(), 503, "modelswap is starting");
            return;
        }
        if (request.method() == HttpMethod.GET) {
            RequestGuard.run(rc.response(), "routing the request", () -> {
                RequestedModel requested = ModelExtractor.fromQuery(request.params());
                ServedModel model = find(requested.name());
                checkScope(rc, model, requested.name());
                if (WebSocketProxy.isUpgrade(request)) {
                    websockets.proxy(rc, model, upstreamUri);
                    return;
                }
                dispatch(rc, model, upstreamUri, null, false);
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
                        checkScope(rc, prepared.model(), prepared.requested());
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
                                checkScope(rc, ready.model(), ready.requested());
                                dispatch(rc, ready.model(), upstreamUri, ready.body(), ready.mayShowLoading());
                            }));
                }));
    }

    /** A body read, its model found, and the body rewritten for that model if it asks for it. */
    private record Prepared(ServedModel model, String requested, Buffer body, boolean mayShowLoading) {
    }

    /** Pure and thread-safe (the backends resolve from immutable snapshots): runs on the event loop or on a worker. */
    private Prepared prepare(ModelRoutes.Route route, Buffer body, String contentType) {
        RequestedModel requested = ModelExtractor.fromBody(contentType, body);
        ServedModel model = find(requested.name());
        Buffer forwarded = body;
        if (requested.json() && RequestRewriter.needsRewrite(model)) {
            forwarded = RequestRewriter.rewriteJson(body, model, requested.name());
        } else if (!model.useModelName().isEmpty() && contentType != null
                && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            // as llama-swap: of the filters, only useModelName applies to a form (an audio or image upload)
            forwarded = MultipartForm.withField(body, MultipartForm.boundaryOf(contentType), "model",
                    model.useModelName());
        }
        boolean mayShowLoading = requested.stream() && model.sendLoadingState()
                && route.upstreamPath().endsWith(CHAT_COMPLETIONS);
        return new Prepared(model, requested.name(), forwarded, mayShowLoading);
    }

    private void onUpstream(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        request.pause();
        if (!backends.ready()) {
            OpenAiError.send(rc.response(), 503, "modelswap is starting");
            return;
        }
        try {
            Optional<UpstreamPath> path = UpstreamPath.match(request.path(), backends::find);
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
            ServedModel model = path.get().model();
            checkScope(rc, model, path.get().requested());
            if (!model.backend().mayStartFor(model, path.get().rest()) && !model.backend().looksReady(model)) {
                // llama-swap's upstream.ignorePaths: a UI's assets and polls must not load a model that was unloaded
                throw new BadRequestException(409, "model " + model.id()
                        + " is not loaded; path matches upstream.ignorePaths");
            }
            forwardUnderPrefix(rc, model, path.get().rest());
        } catch (BadRequestException e) {
            RequestGuard.answer(rc.response(), "routing an upstream request", e);
        }
    }

    /**
     * {@code /comfyui/...}: the model {@code comfyui_auto}, as llama-swap serves ComfyUI. Only the root
     * {@code /comfyui/} may start it: a browser tab left open on ComfyUI keeps polling its API and websocket, which
     * must not load it again once it was unloaded (409 instead).
     */
    private void onComfyUi(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        request.pause();
        if (!backends.ready()) {
            OpenAiError.send(rc.response(), 503, "modelswap is starting");
            return;
        }
        try {
            ServedModel model = ComfyUi.model(backends).orElseThrow(() -> new BadRequestException(404,
                    FailureCause.UNKNOWN_MODEL.code(), "local model " + ComfyUi.MODEL_ID + " not found"));
            checkScope(rc, model, ComfyUi.MODEL_ID);
            String rest = request.path().substring(ComfyUi.PREFIX.length());
            if (!rest.equals("/") && !model.backend().looksReady(model)) {
                throw new BadRequestException(409, "model " + ComfyUi.MODEL_ID
                        + " is not loaded; only " + ComfyUi.PREFIX + "/ can start it");
            }
            forwardUnderPrefix(rc, model, rest);
        } catch (BadRequestException e) {
            RequestGuard.answer(rc.response(), "routing a ComfyUI request", e);
        }
    }

    /** A request under a model's prefix, forwarded as {@code rest} (raw, query appended): a websocket or HTTP. */
    private void forwardUnderPrefix(RoutingContext rc, ServedModel model, String rest) {
        HttpServerRequest request = rc.request();
        String uri = rest + (request.query() == null ? "" : "?" + request.query());
        if (WebSocketProxy.isUpgrade(request)) {
            websockets.proxy(rc, model, uri);
            return;
        }
        dispatch(rc, model, uri, null, false);
    }

    private void dispatch(RoutingContext rc, ServedModel model, String upstreamUri, Buffer body,
            boolean mayShowLoading) {
        ProxyExchange.start(vertx, rc, forwarder, tracker, model, upstreamUri, body, mayShowLoading);
    }

    private ServedModel find(String requested) {
        return backends.find(requested).orElseThrow(() -> new BadRequestException(404,
                FailureCause.UNKNOWN_MODEL.code(),
                "model '" + requested + "' not found; GET /v1/models lists the configured models"));
    }
}
