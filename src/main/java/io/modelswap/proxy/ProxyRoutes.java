package io.modelswap.proxy;

import io.modelswap.app.ModelswapSettings;
import io.modelswap.config.ModelConfig;
import io.modelswap.router.PendingRequest;
import io.modelswap.router.Router;
import io.modelswap.router.RouterException;
import io.modelswap.router.RouterView;
import io.vertx.core.Context;
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

    private final Vertx vertx;
    private final Router router;
    private final UpstreamForwarder forwarder;
    private final long maxBodyBytes;
    @jakarta.inject.Inject io.modelswap.metrics.RequestTracker tracker;

    public ProxyRoutes(Vertx vertx, Router router, UpstreamForwarder forwarder, ModelswapSettings settings) {
        this.vertx = vertx;
        this.router = router;
        this.forwarder = forwarder;
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
            try {
                RequestedModel requested = ModelExtractor.fromQuery(request.params());
                dispatch(rc, resolve(view, requested.name()), upstreamUri, null);
            } catch (BadRequestException e) {
                OpenAiError.send(rc.response(), e.status(), e.getMessage());
            }
            return;
        }
        BoundedBody.read(request, maxBodyBytes).onComplete(read -> {
            try {
                if (read.failed()) {
                    throw read.cause() instanceof BadRequestException bad ? bad
                            : new BadRequestException(400, "could not read the request body: " + read.cause().getMessage());
                }
                Buffer body = read.result();
                RequestedModel requested = ModelExtractor.fromBody(request.getHeader(HttpHeaders.CONTENT_TYPE), body);
                ModelConfig model = resolve(router.view(), requested.name());
                if (RequestRewriter.needsRewrite(model) && isJson(request)) {
                    body = RequestRewriter.rewriteJson(body, model, requested.name());
                }
                dispatch(rc, model, upstreamUri, body);
            } catch (BadRequestException e) {
                if (e.status() == 413) {
                    // the rest of the body is still on the wire: close rather than read it
                    rc.response().putHeader(HttpHeaders.CONNECTION, "close");
                }
                OpenAiError.send(rc.response(), e.status(), e.getMessage());
            }
        });
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
                throw new BadRequestException(404, "no configured model matches " + request.path()
                        + "; GET /v1/models lists them");
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
            dispatch(rc, path.get().model(), uri, null);
        } catch (BadRequestException e) {
            OpenAiError.send(rc.response(), e.status(), e.getMessage());
        }
    }

    /** Asks the router for the model, then forwards; the grant is released exactly once whatever happens. */
    private void dispatch(RoutingContext rc, ModelConfig model, String upstreamUri, Buffer body) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        Context httpContext = vertx.getOrCreateContext();
        PendingRequest pending = router.submit(model.id());
        tracker.begin(rc, model.id(), pending);
        response.closeHandler(v -> router.cancel(pending));
        pending.grant().onComplete(granted -> httpContext.runOnContext(v -> {
            if (granted.failed()) {
                sendRouterError(response, granted.cause());
                return;
            }
            if (response.closed()) {
                router.serveDone(pending);
                return;
            }
            forwarder.forward(request, granted.result().model(), upstreamUri, body)
                    .onComplete(ignored -> router.serveDone(pending));
        }));
    }

    private static ModelConfig resolve(RouterView view, String requested) {
        return view.config().resolve(requested).orElseThrow(() -> new BadRequestException(404,
                "model '" + requested + "' not found; GET /v1/models lists the configured models"));
    }

    private static boolean isJson(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json");
    }

    static void sendRouterError(HttpServerResponse response, Throwable cause) {
        if (!(cause instanceof RouterException e)) {
            LOG.error("unexpected failure while routing a request", cause);
            OpenAiError.send(response, 500, "internal error: " + cause);
            return;
        }
        switch (e.kind()) {
            case UNKNOWN_MODEL -> OpenAiError.send(response, 404, "model_not_found", e.getMessage());
            case CONCURRENCY_LIMIT -> {
                response.putHeader("Retry-After", "1");
                OpenAiError.send(response, 429, "concurrency_limit", e.getMessage());
            }
            case START_FAILED -> OpenAiError.send(response, 502, "upstream_start_failed", e.getMessage());
            case START_TIMEOUT -> OpenAiError.send(response, 504, "upstream_start_timeout", e.getMessage());
            case SHUTTING_DOWN -> OpenAiError.send(response, 503, "shutting_down", e.getMessage());
            case UNLOADED -> OpenAiError.send(response, 503, "model_unloaded", e.getMessage());
            case MODEL_REMOVED -> OpenAiError.send(response, 404, "model_not_found", e.getMessage());
            case CANCELLED -> {
                // the client is gone: there is nobody to answer
            }
        }
    }
}
