package io.modelswap.api;

import io.modelswap.config.ProfileConfig;
import io.modelswap.http.OpenAiError;
import io.modelswap.http.RequestGuard;
import io.modelswap.profile.ActiveProfile;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.TreeMap;

/**
 * llama-swap's profile API: {@code GET /api/profiles} ({@code {active, profiles: [{id, description, pins}]}}, sorted
 * by ID) and {@code PUT /api/profiles/active} with {@code {"name": "x"}} or {@code {"name": null}} (answers
 * {@code {active}}; 404 for an unknown profile, 400 for a body without a string or null {@code name}).
 */
@ApplicationScoped
public class ProfileRoutes {

    private final Router router;
    private final ActiveProfile active;

    public ProfileRoutes(Router router, ActiveProfile active) {
        this.router = router;
        this.active = active;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.GET, "/api/profiles").handler(this::list);
        web.route(HttpMethod.PUT, "/api/profiles/active").handler(this::activate);
    }

    private void list(RoutingContext rc) {
        RouterView view = router.view();
        JsonArray profiles = new JsonArray();
        if (view != null) {
            for (ProfileConfig profile : new TreeMap<>(view.config().profiles()).values()) {
                profiles.add(new JsonObject().put("id", profile.name()).put("description", profile.description())
                        .put("pins", new JsonObject(new java.util.LinkedHashMap<>(profile.pins()))));
            }
        }
        send(rc.response(), activeJson().put("profiles", profiles));
    }

    private void activate(RoutingContext rc) {
        ModelControlRoutes.readJson(rc.request()).onComplete(read -> RequestGuard.run(rc.response(),
                "changing the active profile", () -> {
                    if (read.failed()) {
                        throw read.cause();
                    }
                    JsonObject body = read.result();
                    if (!body.containsKey("name")) {
                        OpenAiError.send(rc.response(), 400, "profile name is required: {\"name\": \"x\"} or"
                                + " {\"name\": null}");
                        return;
                    }
                    Object name = body.getValue("name");
                    if (name != null && !(name instanceof String)) {
                        OpenAiError.send(rc.response(), 400, "profile name must be a string or null");
                        return;
                    }
                    if (!active.activate(name == null ? "" : (String) name)) {
                        OpenAiError.send(rc.response(), 404, "profile \"" + name + "\" not found; GET /api/profiles"
                                + " lists them");
                        return;
                    }
                    send(rc.response(), activeJson());
                }));
    }

    private JsonObject activeJson() {
        String name = active.active();
        return new JsonObject().put("active", name.isEmpty() ? null : name);
    }

    private static void send(HttpServerResponse response, JsonObject body) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
}
