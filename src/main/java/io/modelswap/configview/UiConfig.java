package io.modelswap.configview;

import io.modelswap.app.ConfigReloader;
import io.modelswap.settings.ModelswapSettings;
import io.modelswap.cli.Version;
import io.modelswap.config.ServerSettings;
import io.modelswap.performance.PerformanceMonitor;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code uiConfig} frame of {@code /api/events}: llama-swap's {@code {"activity":{"session_id":[...]}}}, plus
 * what modelswap knows that a UI adapts to (captures, persistence, performance, auth, the swap rules, the configuration
 * file, the UI's routes). Built anew for each new event client and after each configuration load.
 */
@ApplicationScoped
public class UiConfig {

    /** The web UI's pages, hash routes under {@code /ui/} (agreed with the UI; the redirects point here). */
    public static final String UI_HOME = "/ui/";
    public static final String MODELS_PAGE = "/ui/#/models";
    public static final String LOGS_PAGE = "/ui/#/logs";

    private final ConfigReloader reloader;
    private final Router router;
    private final ModelswapSettings settings;
    private final PerformanceMonitor performance;

    public UiConfig(ConfigReloader reloader, Router router, ModelswapSettings settings,
            PerformanceMonitor performance) {
        this.reloader = reloader;
        this.router = router;
        this.settings = settings;
        this.performance = performance;
    }

    public JsonObject json() {
        ServerSettings server = reloader.serverSettings();
        RouterView view = router.view();
        int captureMb = view == null ? 0 : view.config().captureBufferMb();
        JsonObject out = new JsonObject()
                .put("activity", new JsonObject().put("session_id", new JsonArray(server.sessionIdHeaders())))
                .put("version", Version.VERSION)
                .put("auth", new JsonObject().put("api_keys", view != null && !view.config().apiKeys().isEmpty()))
                .put("captures", new JsonObject().put("enabled", captureMb > 0).put("buffer_mb", captureMb))
                .put("store", new JsonObject().put("persistent", server.storePath().isPresent())
                        .put("max_in_memory", view == null ? 0 : view.config().metricsMaxInMemory()))
                .put("performance", new JsonObject().put("enabled", performance.available())
                        .put("every_ms", server.performanceEvery().toMillis()))
                .put("scheduling", new JsonObject()
                        .put("starvation_timeout_ms", settings.scheduling().starvationTimeout().toMillis())
                        .put("min_residency_ms", settings.scheduling().minResidency().toMillis())
                        .put("router", view == null ? null : view.config().routing().router()))
                .put("config", new JsonObject().put("file", reloader.file().toString())
                        .put("dir", reloader.dir().map(Object::toString).orElse(null)))
                .put("routes", new JsonObject().put("home", UI_HOME).put("models", MODELS_PAGE).put("logs", LOGS_PAGE));
        return out;
    }

    /** A load's outcome as the {@code configReload} frame and {@code GET /api/config/reload} show it. */
    public static JsonObject reload(ConfigReloader.ReloadStatus status) {
        JsonArray problems = new JsonArray();
        for (ConfigReloader.Problem p : status.problems()) {
            problems.add(new JsonObject().put("severity", p.severity()).put("file", p.file()).put("line", p.line())
                    .put("key", p.key()).put("message", p.message()));
        }
        return new JsonObject()
                .put("at", status.at().toString())
                .put("trigger", status.trigger())
                .put("ok", status.ok())
                .put("errors", new JsonArray(status.errors()))
                .put("warnings", new JsonArray(status.warnings()))
                .put("models", status.models())
                .put("file", status.file())
                .put("dir", status.dir())
                .put("problems", problems);
    }
}
