package io.modelswap.ui;

import io.modelswap.http.OpenAiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The web UI's own routes. The pages themselves are static files under {@code META-INF/resources/ui/} that Quarkus
 * serves (in the native executable too); here: {@code GET /ui} redirects to {@code /ui/} ({@code GET /} is
 * {@link io.modelswap.redirect.UiRedirects}'), and
 * {@code GET /api/ui/models} gives the Models page what llama-swap's {@code modelStatus} lacks.
 */
@ApplicationScoped
public class UiRoutes {

    private final ModelBoard board;

    public UiRoutes(ModelBoard board) {
        this.board = board;
    }

    void register(@Observes Router web) {
        // Vert.x matches "/ui" for "/ui/" too: only the bare path is redirected, the rest goes on to the files
        web.route(HttpMethod.GET, "/ui").handler(rc -> {
            if (rc.request().path().equals("/ui")) {
                redirect(rc, 301, io.modelswap.configview.UiConfig.UI_HOME);
            } else {
                rc.next();
            }
        });
        web.route(HttpMethod.GET, "/api/ui/models").handler(this::models);
    }

    private void models(RoutingContext rc) {
        board.board().onComplete(ar -> {
            if (ar.succeeded()) {
                rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader("Cache-Control", "no-store").end(ar.result().encode());
            } else {
                OpenAiError.send(rc.response(), 503, "router_unavailable",
                        "the router did not answer: " + ar.cause().getMessage());
            }
        });
    }

    private static void redirect(RoutingContext rc, int status, String location) {
        rc.response().setStatusCode(status).putHeader(HttpHeaders.LOCATION, location).end();
    }
}
