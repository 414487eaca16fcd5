package io.modelswap.redirect;

import io.modelswap.configview.UiConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * llama-swap's redirects into the web UI (GET, and HEAD alike): {@code GET /} to {@code /ui/}, {@code GET /upstream} to the models page,
 * and {@code GET /logs} from a browser ({@code Accept: text/html}) to the logs page; {@code /logs} for anything else
 * stays the plain-text history.
 */
@ApplicationScoped
public class UiRedirects {

    /** After the access filter, before the routes registered in the default order ({@code /logs} among them). */
    static final int ORDER = -100;

    void register(@Observes Router web) {
        web.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).order(ORDER)
                .handler(rc -> found(rc, UiConfig.UI_HOME));
        web.route("/upstream").method(HttpMethod.GET).method(HttpMethod.HEAD).order(ORDER)
                .handler(rc -> found(rc, UiConfig.MODELS_PAGE));
        web.route("/logs").method(HttpMethod.GET).method(HttpMethod.HEAD).order(ORDER).handler(rc -> {
            String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
            if (accept != null && accept.contains("text/html")) {
                found(rc, UiConfig.LOGS_PAGE);
            } else {
                rc.next();
            }
        });
    }

    private static void found(RoutingContext rc, String location) {
        rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }
}
