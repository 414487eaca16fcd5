package io.modelswap.app;

import io.modelswap.config.ConfigChangeDetector;
import io.modelswap.config.ConfigLoader;
import io.modelswap.config.ConfigProblem;
import io.modelswap.config.LoadResult;
import io.modelswap.process.ListeningSockets;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches the configuration file (and directory) and applies every valid edit. A poll that sees a change of mtime,
 * size or real path (a Kubernetes {@code ..data} swap), SIGHUP, or {@code POST /api/config/reload} reloads; an
 * invalid file is reported line by line and the running configuration stays in force. A valid one is handed to the
 * router, which applies it as a difference (unchanged models keep running).
 */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    /** Trigger names, as {@code GET /api/config/reload} reports them. */
    public static final String STARTUP = "startup";
    public static final String FILE_CHANGED = "file changed";
    public static final String SIGHUP = "SIGHUP";
    public static final String API = "api";

    /** How long the router may take to accept a new configuration (it only records the difference; instant). */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

    private final Router router;
    private final ReloadMetrics metrics;
    private final ConfigLoader loader;
    private final Path file;
    private final Optional<Path> dir;
    private final ConfigChangeDetector detector;
    private volatile ReloadStatus lastReload;
    /** Models of the configuration in force. */
    private int modelsInForce;

    public ConfigReloader(Router router, ModelswapSettings settings, ReloadMetrics metrics) {
        this.router = router;
        this.metrics = metrics;
        this.file = Path.of(settings.config());
        this.dir = settings.configDir().map(Path::of);
        this.detector = new ConfigChangeDetector(file, dir);
        this.loader = new ConfigLoader(System::getenv, this::heldBySomeoneElse);
    }

    /**
     * Whether {@code ${PORT}} must skip {@code port}: something listens on it that is not one of ours. A port the
     * configuration in force gives a model is that model's (its own server listens there while it runs), so a
     * reload hands it out again rather than moving the model.
     */
    private boolean heldBySomeoneElse(int port) {
        RouterView view = router.view();
        if (view != null && view.config().models().values().stream().anyMatch(m -> portOf(m.proxy()) == port)) {
            return false;
        }
        return ListeningSockets.someoneListens(port);
    }

    private static int portOf(String proxy) {
        try {
            return java.net.URI.create(proxy).getPort();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** Loads the configuration modelswap starts with (and takes the change detector's baseline). */
    synchronized LoadResult loadInitial() {
        detector.poll();
        LoadResult result = loader.load(file, dir);
        result.config().ifPresent(config -> modelsInForce = config.models().size());
        report(result, STARTUP, List.of());
        return result;
    }

    /** The poller: one run at a time, every {@code modelswap.watch.interval} ({@code off} disables it). */
    @Scheduled(identity = "config-poller", every = "${modelswap.watch.interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void poll() {
        if (lastReload != null && detector.poll()) {
            reload(FILE_CHANGED);
        }
    }

    /**
     * Reloads now (SIGHUP, the API, or the poller); the running configuration stays when the new one is invalid.
     * Returns the outcome, which {@link #lastReload()} reports from then on.
     */
    public synchronized ReloadStatus reload(String trigger) {
        if (lastReload == null) {
            throw new IllegalStateException("modelswap has not loaded its configuration yet");
        }
        detector.poll(); // what is loaded now is the new baseline: the poller must not load it a second time
        LoadResult result = loader.load(file, dir);
        List<String> applyErrors = new ArrayList<>();
        if (result.config().isPresent()) {
            try {
                router.apply(result.config().get()).toCompletionStage().toCompletableFuture()
                        .get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                modelsInForce = result.config().get().models().size();
                LOG.infof("configuration reloaded (%s): %d model(s)", trigger, modelsInForce);
            } catch (Exception e) {
                LOG.errorf(e, "configuration reload (%s) could not be applied; the previous configuration stays"
                        + " in force", trigger);
                applyErrors.add(describeSources() + ": the router did not accept the new configuration: " + e);
            }
        }
        return report(result, trigger, applyErrors);
    }

    /** The last load's time, trigger, outcome and problems (the load at startup counts). */
    public ReloadStatus lastReload() {
        return lastReload;
    }

    String describeSources() {
        return dir.map(d -> file + " and " + d + "/*.yaml").orElse(file.toString());
    }

    private ReloadStatus report(LoadResult result, String trigger, List<String> applyErrors) {
        result.warnings().forEach(w -> LOG.warn(w.toString()));
        boolean startup = trigger.equals(STARTUP);
        if (!result.errors().isEmpty()) {
            LOG.errorf("configuration %s has %d problem(s)%s; fix them and save again:", describeSources(),
                    result.errors().size(), startup ? "" : " (reload: " + trigger
                            + "); the previous configuration stays in force");
            result.errors().forEach(e -> LOG.error("  " + e));
        }
        List<String> errors = new ArrayList<>(strings(result.errors()));
        errors.addAll(applyErrors);
        boolean ok = errors.isEmpty();
        metrics.record(ok, !startup);
        lastReload = new ReloadStatus(Instant.now(), trigger, ok, List.copyOf(errors), strings(result.warnings()),
                modelsInForce);
        return lastReload;
    }

    private static List<String> strings(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }

    /**
     * The outcome of one configuration load, as {@code GET /api/config/reload} shows it.
     *
     * @param at       when it happened
     * @param trigger  what caused it: {@code startup}, {@code file changed}, {@code SIGHUP} or {@code api}
     * @param ok       whether the configuration was valid and applied
     * @param errors   problems that refused it, as {@code file:line: key: message}
     * @param warnings problems that did not (unknown keys and the like)
     * @param models   how many models the configuration in force afterwards has (the old one's when refused)
     */
    public record ReloadStatus(Instant at, String trigger, boolean ok, List<String> errors, List<String> warnings,
            int models) {
    }
}
