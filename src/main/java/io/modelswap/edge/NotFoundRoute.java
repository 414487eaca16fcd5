package io.modelswap.edge;

import io.modelswap.http.OpenAiError;
import io.modelswap.http.BadRequestException;
import io.modelswap.http.RequestGuard;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last route of all: a request nothing else took (no proxied endpoint, no REST resource, no static file) gets an
 * OpenAI-style error rather than the framework's HTML page: 405 with an {@code Allow} header when the path is one of
 * modelswap's routes under another method, else 404. (The REST endpoints answer their own 405s, see
 * {@code RestErrors}.) Also the failure handler of every route: a request that failed before or inside a route
 * (Vert.x refuses an HTTP/1.1 request without {@code Host}; a handler threw) is answered in the same envelope.
 */
@ApplicationScoped
public class NotFoundRoute {

    /** After every other route, REST endpoints included (they hand unmatched requests on to the next route). */
    static final int ORDER = Integer.MAX_VALUE - 10;
    /** Failure handlers run in route order: this one before Quarkus's own (HTML or its JSON without the envelope). */
    static final int FAILURE_ORDER = Integer.MIN_VALUE + 10;

    private Router web;

    void register(@Observes Router web) {
        this.web = web;
        web.route().order(FAILURE_ORDER).failureHandler(this::onFailure);
        web.route().order(ORDER).handler(this::onUnmatched);
    }

    private void onUnmatched(RoutingContext rc) {
        String path = rc.normalizedPath();
        Set<String> allowed = allowedMethods(path);
        if (!allowed.isEmpty() && !allowed.contains(rc.request().method().name())) {
            String allow = String.join(", ", allowed);
            rc.response().putHeader(HttpHeaders.ALLOW, allow);
            OpenAiError.send(rc.response(), 405, "method " + rc.request().method() + " is not allowed on "
                    + path + "; allowed: " + allow);
            return;
        }
        OpenAiError.send(rc.response(), 404, "no endpoint " + rc.request().method() + " " + rc.request().path()
                + "; see README.md for the endpoints modelswap serves");
    }

    /** The methods of modelswap's own Vert.x routes (not the catch-alls) whose path matches {@code path}. */
    Set<String> allowedMethods(String path) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : web.getRoutes()) {
            Set<HttpMethod> methods = route.methods();
            String routePath = route.getPath();
            if (methods == null || methods.isEmpty() || routePath == null || route.isRegexPath()) {
                continue;
            }
            boolean matches = route.isExactPath() ? routePath.equals(path) : path.startsWith(routePath);
            if (matches) {
                methods.forEach(method -> allowed.add(method.name()));
            }
        }
        if (!allowed.isEmpty()) {
            allowed.add("OPTIONS"); // answered for every path (CORS preflight)
        }
        return allowed;
    }

    private void onFailure(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure instanceof BadRequestException || rc.statusCode() < 0 || rc.statusCode() >= 500) {
            // a thrown exception (no status) or a server error: logged once, a 500 for the client
            RequestGuard.answer(rc.response(), "handling " + rc.request().method() + " " + rc.request().path(),
                    failure != null ? failure : new IllegalStateException("status " + rc.statusCode()));
            return;
        }
        int status = rc.statusCode();
        String message = failure != null && failure.getMessage() != null ? failure.getMessage()
                : io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
        if (status == 400 || status == 413 || status == 431) {
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        OpenAiError.send(rc.response(), status, message);
    }
}
