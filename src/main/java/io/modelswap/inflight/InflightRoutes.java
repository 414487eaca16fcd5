package io.modelswap.inflight;

import io.modelswap.http.OpenAiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /api/inflight}: the requests under way ({@code {"requests":[...]}}, oldest first), and
 * {@code POST /api/inflight/<id>/cancel}: ends one as if its client had hung up ({@code {"msg":"ok"}}, or 404 when no
 * such request is under way), llama-swap's endpoint.
 */
@ApplicationScoped
public class InflightRoutes {

    private final InflightRequests inflight;

    public InflightRoutes(InflightRequests inflight) {
        this.inflight = inflight;
    }

    void register(@Observes Router web) {
        web.route(HttpMethod.GET, "/api/inflight").handler(rc -> json(rc,
                new JsonObject().put("requests", inflight.list())));
        web.route(HttpMethod.POST, "/api/inflight/:id/cancel").handler(this::cancel);
    }

    private void cancel(RoutingContext rc) {
        String id = rc.pathParam("id");
        long parsed;
        try {
            parsed = Long.parseLong(id);
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        String by = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        if (parsed < 0 || !inflight.cancel(parsed, by)) {
            OpenAiError.send(rc.response(), 404, "no in-flight request with id '" + id
                    + "' (it may have finished); GET /api/inflight lists them");
            return;
        }
        json(rc, new JsonObject().put("msg", "ok"));
    }

    private static void json(RoutingContext rc, JsonObject body) {
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
    }
}
