package io.modelswap.ui;

import io.modelswap.proxy.OpenAiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The web UI's own routes. The pages themselves are static files under {@code META-INF/resources/ui/} that Quarkus
 * serves (in the native executable too); here: {@code GET /} and {@code GET /ui} redirect to {@code /ui/}, and
 * {@code GET /api/ui/models} gives the Models page what llama-swap's {@code modelStatus} lacks.
 */
@ApplicationScoped
public class UiRoutes {

    /** Where the UI lives; its pages are hash routes below it ({@code /ui/#/models}, {@code /ui/#/logs}, ...). */
    public static final String HOME = "/ui/";

    private final ModelBoard board;

    public UiRoutes(ModelBoard board) {
        this.board = board;
    }

    void register(@Observes Router web) {
        web.route(HttpMethod.GET, "/").handler(rc -> redirect(rc, 302, HOME));
        // Vert.x matches "/ui" for "/ui/" too: only the bare path is redirected, the rest goes on to the files
        web.route(HttpMethod.GET, "/ui").handler(rc -> {
            if (rc.request().path().equals("/ui")) {
                redirect(rc, 301, HOME);
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
