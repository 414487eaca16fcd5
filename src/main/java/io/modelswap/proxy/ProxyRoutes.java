package io.modelswap.proxy;

import io.modelswap.backend.Backends;
import io.modelswap.config.AccessKey;
import io.modelswap.websocket.WebSocketProxy;
import io.modelswap.backend.ServedModel;
import io.modelswap.selector.ModelResolver;
import io.modelswap.selector.Resolution;
import io.modelswap.failure.FailureCause;
import io.modelswap.http.BadRequestException;
import io.modelswap.http.BodyBudget;
import io.modelswap.http.BoundedBody;
import io.modelswap.http.OpenAiError;
import io.modelswap.http.RequestGuard;
import io.modelswap.metrics.RequestTracker;
import io.modelswap.settings.ModelswapSettings;
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
    private final ModelResolver resolver;
    private final UpstreamForwarder forwarder;
    private final RequestTracker tracker;
    private final long maxBodyBytes;
    private final BodyBudget budget;
    private final WebSocketProxy websockets;

    public ProxyRoutes(Vertx vertx, Backends backends, ModelResolver resolver, UpstreamForwarder forwarder,
            RequestTracker tracker, ModelswapSettings settings, BodyBudget budget, WebSocketProxy websockets) {
        this.resolver = resolver;
        this.websockets = websockets;
        this.budget = budget;
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
        checkScope(rc, new Resolution(model, requested, () -> { }), requested);
    }

    /**
     * 403 unless the request's API key (when keys are in force) may use every model {@code resolution} may reach: for
     * a selector, each of its targets, whichever it chose this time, so that the answer does not depend on what is
     * loaded and no selector leads a key outside its scope.
     */
    private static void checkScope(RoutingContext rc, Resolution resolution, String requested) {
        AccessKey key = rc.get(AccessKey.CONTEXT_KEY);
        if (key == null) {
            return;
        }
        for (String id : resolution.reach()) {
            if (!key.allows(id)) {
                // a selector's target outside the scope is named: the client asked for the selector
                throw new BadRequestException(403, "model_not_allowed", "API key '" + key.name() + "' may not use"
                        + " model '" + (resolution.reach().size() > 1 ? id + "', a target of the selector it asked"
                        + " for" : requested + "'"));
            }
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
                Resolution resolution = resolver.resolve(requested.name());
                ServedModel model = resolution.model();
                if (WebSocketProxy.isUpgrade(request)) {
                    resolution.release().run();
                    checkScope(rc, resolution, requested.name());
                    websockets.proxy(rc, model, upstreamUri);
                    return;
                }
                String uri = model.useModelName().isEmpty() ? upstreamUri : route.upstreamPath() + "?"
                        + ModelRename.query(request.query(), model.useModelName());
                String query = request.query();
                Reshape reshape = target -> new Reshape.Shaped(target.useModelName().isEmpty() ? upstreamUri
                        : route.upstreamPath() + "?" + ModelRename.query(query, target.useModelName()), null);
                dispatch(rc, requested.name(), resolution, uri, null, false, reshape);
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
                        dispatch(rc, prepared.requested(), prepared.resolution(), upstreamUri, prepared.body(),
                                prepared.mayShowLoading(), prepared.reshape(upstreamUri));
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
                                dispatch(rc, ready.requested(), ready.resolution(), upstreamUri, ready.body(),
                                        ready.mayShowLoading(), ready.reshape(upstreamUri));
                            }));
                }));
    }

    /** A body read, its model found, and the body rewritten for that model if it asks for it. */
    private record Prepared(String requested, Resolution resolution, Buffer body, boolean mayShowLoading,
            Buffer original, String contentType, boolean json) {

        /** Another target's body: the client's, rewritten for it (on the event loop: one more parse at most). */
        Reshape reshape(String upstreamUri) {
            return target -> new Reshape.Shaped(upstreamUri, shape(original, contentType, json, target,
                    target.useModelName().isEmpty() ? target.id() : target.useModelName()));
        }
    }

    /** The body as {@code model}, requested as {@code name}, needs it: its useModelName or name, its filters. */
    private static Buffer shape(Buffer body, String contentType, boolean json, ServedModel model, String name) {
        if (json && RequestRewriter.needsRewrite(model)) {
            return RequestRewriter.rewriteJson(body, model, name);
        }
        if (!json && !model.useModelName().isEmpty()) {
            return ModelRename.form(contentType, body, model.useModelName());
        }
        return body;
    }

    /** Pure and thread-safe (the backends resolve from immutable snapshots): runs on the event loop or on a worker. */
    private Prepared prepare(ModelRoutes.Route route, Buffer body, String contentType) {
        RequestedModel requested = ModelExtractor.fromBody(contentType, body);
        Resolution resolution = resolver.resolve(requested.name());
        try {
            ServedModel model = resolution.model();
            Buffer forwarded = shape(body, contentType, requested.json(), model, resolution.name());
            boolean mayShowLoading = requested.stream() && model.sendLoadingState()
                    && route.upstreamPath().endsWith(CHAT_COMPLETIONS);
            return new Prepared(requested.name(), resolution, forwarded, mayShowLoading, body, contentType,
                    requested.json());
        } catch (RuntimeException e) {
            resolution.release().run();
            throw e;
        }
    }

    /**
     * Pauses the request's body until a backend takes it; false (after a 503) while modelswap has no configuration in
     * force yet.
     */
    private boolean pausedAndReady(RoutingContext rc) {
        rc.request().pause();
        if (!backends.ready()) {
            OpenAiError.send(rc.response(), 503, "modelswap is starting");
            return false;
        }
        return true;
    }

    private void onUpstream(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (!pausedAndReady(rc)) {
            return;
        }
        try {
            Optional<UpstreamPath> path = UpstreamPath.match(request.path(), resolver::resolvePath);
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
            forwardUnderPrefix(rc, model, path.get().requested(), path.get().rest());
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
        if (!pausedAndReady(rc)) {
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
            forwardUnderPrefix(rc, model, ComfyUi.MODEL_ID, rest);
        } catch (BadRequestException e) {
            RequestGuard.answer(rc.response(), "routing a ComfyUI request", e);
        }
    }

    /**
     * A request under a model's prefix ({@code /upstream/<name>}, {@code /comfyui}), forwarded as {@code rest} (raw,
     * query appended) behind the backend's own prefix: a websocket or HTTP.
     */
    private void forwardUnderPrefix(RoutingContext rc, ServedModel model, String requested, String rest) {
        HttpServerRequest request = rc.request();
        String uri = model.backend().upstreamPrefix(model, requested) + rest
                + (request.query() == null ? "" : "?" + request.query());
        if (WebSocketProxy.isUpgrade(request)) {
            websockets.proxy(rc, model, uri);
            return;
        }
        dispatch(rc, requested, new Resolution(model, requested, () -> { }), uri, null, false, Reshape.NONE);
    }

    /**
     * Serves the resolved request. What choosing its model took (a spillover selector's count) is given back when the
     * exchange is over, whichever way it ends (llama-swap releases it when its handler returns).
     */
    private void dispatch(RoutingContext rc, String requested, Resolution resolution, String upstreamUri,
            Buffer body, boolean mayShowLoading, Reshape reshape) {
        if (rc.response().closed()) {
            resolution.release().run(); // the client left while the body was parsed: no end handler would run
            return;
        }
        try {
            checkScope(rc, resolution, resolution.name());
        } catch (BadRequestException e) {
            resolution.release().run();
            throw e;
        }
        rc.addEndHandler(ended -> resolution.release().run());
        ProxyExchange.start(vertx, rc, forwarder, tracker, resolution.model(), requested, upstreamUri, body,
                mayShowLoading, reshape);
    }
}
