package io.modelswap.app;

import io.modelswap.settings.ModelswapSettings;
import io.modelswap.backend.local.LocalBackend;
import io.modelswap.config.LoadResult;
import io.modelswap.router.Router;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Start and stop of the whole server: load the configuration (refusing to start on an invalid one, as llama-swap
 * does), start the router, and on SIGTERM/SIGINT stop every upstream within a bounded time before exiting.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final Router router;
    private final LocalBackend local;
    private final ConfigReloader reloader;
    private final ModelswapSettings settings;

    public Lifecycle(Router router, LocalBackend local, ConfigReloader reloader, ModelswapSettings settings) {
        this.router = router;
        this.local = local;
        this.reloader = reloader;
        this.settings = settings;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        LoadResult loaded = reloader.loadInitial();
        if (loaded.config().isEmpty()) {
            // printed alone (no stack trace), exit status 2: see cli.StartupFailure
            throw new StartRefused(cannotStart(loaded));
        }
        router.start(loaded.config().get()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("modelswap serving %d model(s) from %s", loaded.config().get().models().size(),
                reloader.describeSources());
        installSighup();
        reloader.startPolling();
        preload(loaded.config().get().preload());
    }

    /** The problems, one per line, and one line on how to fix them. */
    private String cannotStart(LoadResult loaded) {
        boolean notFound = loaded.errors().size() == 1 && loaded.errors().get(0).message().equals("not found");
        String fix = notFound
                ? "Create it, or name your llama-swap configuration file with -config FILE (the default is"
                        + " application.yaml in the working directory)."
                : "Fix the lines above and start modelswap again (docs/configuration.md describes every key).";
        return "modelswap cannot start: " + loaded.errors().size() + " problem(s) in " + reloader.describeSources()
                + ":\n  " + String.join("\n  ", loaded.errors().stream().map(Object::toString).toList()) + "\n" + fix;
    }

    /**
     * {@code hooks.on_startup.preload}: loads the models one after another through the local backend, like requests
     * whose lease is released as soon as it is granted, so preloading obeys the same swap rules. Does not block startup
     * (health and the API answer meanwhile); a failure is logged and the next model is still loaded.
     */
    private void preload(List<String> models) {
        if (models.isEmpty()) {
            return;
        }
        LOG.infof("preloading %s (hooks.on_startup.preload)", models);
        Future<Void> chain = Future.succeededFuture();
        for (String model : models) {
            chain = chain.compose(ignored -> load(model)
                    .onSuccess(v -> LOG.infof("[%s] preloaded", model))
                    .otherwise(e -> {
                        LOG.warnf("[%s] preload failed: %s; it will start on its first request instead", model,
                                e.getMessage());
                        return null;
                    }));
        }
    }

    /** Loads a configured model (by ID): acquired, and released as soon as it is ready. */
    private Future<Void> load(String model) {
        return local.byId(model).map(served -> served.acquire().loadOnly())
                .orElseGet(() -> Future.failedFuture("model " + model + " is not configured"));
    }

    void onStop(@Observes ShutdownEvent event) {
        Duration budget = settings.processes().shutdownTimeout();
        try {
            router.shutdown().toCompletionStage().toCompletableFuture()
                    .get(budget.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("every upstream stopped");
        } catch (Exception e) {
            LOG.warnf("upstreams still stopping after %ss of shutdown budget: %s", budget.toSeconds(), e);
        }
    }

    private void installSighup() {
        try {
            Signal.handle(new Signal("HUP"), signal -> reloader.reload("SIGHUP"));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debugf("SIGHUP reload not available here: %s", e.getMessage());
        }
    }
}
