package io.modelswap.configview;

import io.modelswap.failure.FailureCause;
import io.modelswap.app.ConfigReloader;
import io.modelswap.config.GroupConfig;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.RoutingConfig;
import io.modelswap.config.SourceLocation;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessView;
import io.modelswap.http.OpenAiError;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/models/<model>/config}: the effective configuration of one model (an ID or an alias) as modelswap
 * applies it, after macros and defaults, under llama-swap's key names, with its file and line, its group or matrix
 * sets, and its state. Secrets are hidden: {@code env} values, secret-looking command-line flags and any configured
 * API key (see {@link SecretMask}).
 */
@ApplicationScoped
public class ModelConfigRoutes {

    private final Router router;
    private final ConfigReloader reloader;

    public ModelConfigRoutes(Router router, ConfigReloader reloader) {
        this.router = router;
        this.reloader = reloader;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.routeWithRegex(HttpMethod.GET, "^/api/models/(.+)/config$").handler(this::config);
    }

    private void config(RoutingContext rc) {
        String raw = rc.request().path().substring("/api/models/".length(),
                rc.request().path().length() - "/config".length());
        String requested = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        RouterView view = router.view();
        Optional<ModelConfig> model = view == null ? Optional.empty() : view.config().resolve(requested);
        if (model.isEmpty()) {
            OpenAiError.send(rc.response(), 404, FailureCause.UNKNOWN_MODEL.code(), "model '" + requested
                    + "' not found; GET /v1/models lists the configured models");
            return;
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(describe(view, model.get()).encode());
    }

    JsonObject describe(RouterView view, ModelConfig m) {
        SwapConfig config = view.config();
        SecretMask mask = new SecretMask(config.security().keys().stream()
                .map(key -> new String(key.secret(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        List<String> env = new ArrayList<>();
        m.env().forEach(e -> env.add(mask.env(e)));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("cmd", mask.command(m.cmd()));
        settings.put("cmdStop", mask.command(m.cmdStop()));
        settings.put("proxy", mask.text(m.proxy()));
        settings.put("checkEndpoint", m.checkEndpoint());
        settings.put("ttl", m.ttlSeconds());
        settings.put("unloadTimeout", m.unloadTimeoutSeconds());
        settings.put("healthCheckTimeout", m.healthCheckTimeoutSeconds());
        settings.put("aliases", m.aliases());
        settings.put("env", env);
        settings.put("useModelName", m.useModelName());
        settings.put("name", m.name());
        settings.put("description", m.description());
        settings.put("unlisted", m.unlisted());
        settings.put("concurrencyLimit", m.concurrencyLimit());
        settings.put("sendLoadingState", m.sendLoadingState());
        settings.put("filters", mask.deep(Map.of(
                "stripParams", String.join(",", m.filters().stripParams()),
                "setParams", m.filters().setParams(),
                "setParamsByID", m.filters().setParamsByID())));
        settings.put("metadata", mask.deep(m.metadata()));
        settings.put("timeouts", Map.of("connect", m.timeouts().connect(), "keepalive", m.timeouts().keepalive(),
                "responseHeader", m.timeouts().responseHeader(), "tlsHandshake", m.timeouts().tlsHandshake(),
                "expectContinue", m.timeouts().expectContinue(), "idleConn", m.timeouts().idleConn()));
        settings.put("compat", Map.of("ignoreWebsockets", m.ignoreWebsockets()));
        settings.put("capabilities", Map.of("in", m.capabilities().in(), "out", m.capabilities().out(),
                "tools", m.capabilities().tools(), "reranker", m.capabilities().reranker(),
                "context", m.capabilities().context()));
        if (!m.metricsEndpoint().isEmpty()) {
            settings.put("metricsEndpoint", m.metricsEndpoint());
        }
        JsonObject out = new JsonObject().put("id", m.id());
        SourceLocation at = reloader.modelLocations().get(m.id());
        out.put("file", at == null ? null : at.file()).put("line", at == null ? null : at.line());
        ProcessView process = view.processes().get(m.id());
        out.put("state", process == null ? "stopped" : process.state().apiName());
        out.put("routing", routing(config.routing(), m.id()));
        out.put("config", new JsonObject(settings));
        return out;
    }

    /** The model's group, or the matrix sets that name it (directly or through a var). */
    static JsonObject routing(RoutingConfig routing, String model) {
        JsonObject out = new JsonObject().put("router", routing.router());
        if (routing.isMatrix()) {
            JsonArray sets = new JsonArray();
            routing.matrix().ifPresent(matrix -> {
                List<String> names = new ArrayList<>(List.of(model));
                matrix.vars().forEach((var, target) -> {
                    if (target.equals(model)) {
                        names.add(var);
                    }
                });
                matrix.sets().forEach((set, dsl) -> {
                    for (String name : names) {
                        if (java.util.regex.Pattern.compile("(?<![A-Za-z0-9._-])" + java.util.regex.Pattern.quote(name)
                                + "(?![A-Za-z0-9._-])").matcher(dsl).find()) {
                            sets.add(set);
                            break;
                        }
                    }
                });
            });
            out.put("sets", sets);
        } else {
            for (GroupConfig group : routing.groups()) {
                if (group.members().contains(model)) {
                    out.put("group", group.id());
                }
            }
        }
        return out;
    }
}
