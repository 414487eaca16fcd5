package io.modelswap.swaps;

import io.modelswap.settings.ModelswapSettings;
import io.modelswap.config.GroupConfig;
import io.modelswap.config.RoutingConfig;
import io.modelswap.http.OpenAiError;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.modelswap.router.SwapDecision;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /api/swaps[?limit=N]}: the router's recent decisions (newest first, at most
 * {@link SwapHistory#MAX_DECISIONS}) and the swap rules in force: modelswap's starvation and residency settings, and
 * the groups or matrix of the configuration.
 */
@ApplicationScoped
public class SwapsRoutes {

    private final SwapHistory history;
    private final Router router;
    private final ModelswapSettings settings;

    public SwapsRoutes(SwapHistory history, Router router, ModelswapSettings settings) {
        this.history = history;
        this.router = router;
        this.settings = settings;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.GET, "/api/swaps").handler(this::swaps);
    }

    private void swaps(RoutingContext rc) {
        int limit = SwapHistory.MAX_DECISIONS;
        String given = rc.queryParams().get("limit");
        if (given != null && !given.isBlank()) {
            try {
                limit = Integer.parseInt(given.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > SwapHistory.MAX_DECISIONS) {
                JsonObject body = OpenAiError.body(400, "bad_request", "limit must be between 1 and "
                        + SwapHistory.MAX_DECISIONS + " (was '" + given + "')");
                body.getJsonObject("error").put("param", "limit");
                rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(body.encode());
                return;
            }
        }
        JsonArray decisions = new JsonArray();
        for (SwapDecision d : history.newest(limit)) {
            decisions.add(SwapHistory.json(d));
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("settings", rules()).put("decisions", decisions).encode());
    }

    /** The swap rules in force. */
    JsonObject rules() {
        ModelswapSettings.Scheduling scheduling = settings.scheduling();
        JsonObject rules = new JsonObject()
                .put("starvation_timeout_ms", scheduling.starvationTimeout().toMillis())
                .put("min_residency_ms", scheduling.minResidency().toMillis());
        RouterView view = router.view();
        if (view == null) {
            return rules;
        }
        RoutingConfig routing = view.config().routing();
        rules.put("router", routing.router());
        if (routing.isMatrix()) {
            routing.matrix().ifPresent(m -> rules.put("matrix", new JsonObject()
                    .put("vars", new JsonObject(new java.util.LinkedHashMap<>(m.vars())))
                    .put("evict_costs", new JsonObject(new java.util.LinkedHashMap<>(m.evictCosts())))
                    .put("sets", new JsonObject(new java.util.LinkedHashMap<>(m.sets())))));
        } else {
            JsonArray groups = new JsonArray();
            for (GroupConfig g : routing.groups()) {
                groups.add(new JsonObject().put("id", g.id()).put("swap", g.swap()).put("exclusive", g.exclusive())
                        .put("persistent", g.persistent()).put("members", new JsonArray(g.members())));
            }
            rules.put("groups", groups);
        }
        return rules;
    }
}
