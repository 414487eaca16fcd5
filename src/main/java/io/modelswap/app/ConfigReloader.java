package io.modelswap.app;

import io.modelswap.settings.ModelswapSettings;
import io.modelswap.config.ConfigChangeDetector;
import io.modelswap.config.ConfigLoader;
import io.modelswap.config.ConfigProblem;
import io.modelswap.config.LoadResult;
import io.modelswap.config.ReloadGuard;
import io.modelswap.config.SwapConfig;
import io.modelswap.config.ServerSettings;
import io.modelswap.config.SourceLocation;
import io.modelswap.bus.LocalCodec;
import io.modelswap.process.ListeningSockets;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.Vertx;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches the configuration file (and directory) and applies every valid edit. A poll that sees a change of mtime,
 * size or real path (a Kubernetes {@code ..data} swap), SIGHUP, or {@code POST /api/config/reload} reloads; an
 * invalid file is reported line by line and the running configuration stays in force, and so is a valid one that
 * {@link ReloadGuard} refuses (one that drops every API key). Otherwise it is handed to the router, which applies it
 * as a difference; the models keep their {@code ${PORT}}s (the loader gets those in force), so unchanged models keep
 * running.
 */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    /** Trigger names, as {@code GET /api/config/reload} reports them. */
    public static final String STARTUP = "startup";
    public static final String FILE_CHANGED = "file changed";
    public static final String SIGHUP = "SIGHUP";
    public static final String API = "api";

    /** Event-bus address where every load's {@link ReloadStatus} is published (startup included). */
    public static final String STATUS_ADDRESS = "modelswap.config.status";

    /** Used until a configuration is loaded: llama-swap's defaults. */
    private static final ServerSettings DEFAULT_SETTINGS = new ServerSettings(Optional.empty(), false,
            Duration.ofSeconds(5), ServerSettings.DEFAULT_SESSION_HEADERS);

    /** How long the router may take to accept a new configuration (it only records the difference; instant). */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

    /** The poller's identity in the Quarkus scheduler. */
    static final String POLLER = "config-poller";

    private final Router router;
    private final Scheduler scheduler;
    private final String watchInterval;
    private final Vertx vertx;
    private final ReloadMetrics metrics;
    private final ConfigLoader loader;
    private final Path file;
    private final Optional<Path> dir;
    private final ConfigChangeDetector detector;
    private volatile ReloadStatus lastReload;
    /** The configuration in force (null until the first successful load), and the ports its models were given. */
    private SwapConfig inForce;
    private Map<String, Integer> portsInForce = Map.of();
    /** The settings of the configuration in force that its snapshot does not carry (store, performance, ui). */
    private volatile ServerSettings serverSettings = DEFAULT_SETTINGS;
    /** Where each model of the configuration in force is defined. */
    private volatile Map<String, SourceLocation> modelLocations = Map.of();

    public ConfigReloader(Router router, Vertx vertx, ModelswapSettings settings, ReloadMetrics metrics,
            Scheduler scheduler) {
        this.router = router;
        this.scheduler = scheduler;
        this.watchInterval = settings.watch().interval();
        this.vertx = vertx;
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
        if (result.ok()) {
            inForce = result.config().get();
            portsInForce = result.ports();
        }
        takeSettings(result);
        report(result, STARTUP, List.of());
        return result;
    }

    /**
     * Starts the poller: one run at a time, every {@code modelswap.watch.interval} ({@code off} disables it). Called
     * once the first configuration is in force, never before: a job declared with {@code @Scheduled} starts with the
     * application and could fire while a refused start tears the container down (a stack trace instead of the
     * one-line refusal).
     */
    void startPolling() {
        String interval = watchInterval.trim();
        if (interval.equalsIgnoreCase("off") || interval.equalsIgnoreCase("disabled")) {
            LOG.info("modelswap.watch.interval is off: the configuration reloads on SIGHUP and"
                    + " POST /api/config/reload");
            return;
        }
        scheduler.newJob(POLLER).setInterval(interval).setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> poll()).schedule();
    }

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
        LoadResult result = loader.load(file, dir, portsInForce);
        List<String> applyErrors = new ArrayList<>();
        List<ConfigProblem> refusals = inForce == null ? List.of()
                : ReloadGuard.refusals(inForce, result, file.toString());
        if (!refusals.isEmpty()) {
            LOG.errorf("configuration reload (%s) refused; the previous configuration stays in force:", trigger);
            refusals.forEach(r -> LOG.error("  " + r));
            applyErrors.addAll(strings(refusals));
        } else if (result.config().isPresent()) {
            try {
                router.apply(result.config().get()).toCompletionStage().toCompletableFuture()
                        .get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                inForce = result.config().get();
                portsInForce = result.ports();
                takeSettings(result);
                LOG.infof("configuration reloaded (%s): %d model(s)", trigger, inForce.models().size());
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

    /**
     * The settings of the configuration in force that {@link io.modelswap.config.SwapConfig} does not carry
     * ({@code store}, {@code performance}, {@code ui}); llama-swap's defaults before the first load.
     */
    public ServerSettings serverSettings() {
        return serverSettings;
    }

    /** Where each model of the configuration in force is defined (file and line). */
    public Map<String, SourceLocation> modelLocations() {
        return modelLocations;
    }

    /** The configuration file in use. */
    public Path file() {
        return file;
    }

    /** The configuration directory in use, if any. */
    public Optional<Path> dir() {
        return dir;
    }

    private void takeSettings(LoadResult result) {
        result.settings().ifPresent(s -> serverSettings = s);
        modelLocations = result.modelLocations();
    }

    public String describeSources() {
        return dir.map(d -> file + " and " + d + "/*.yaml").orElse(file.toString());
    }

    private ReloadStatus report(LoadResult result, String trigger, List<String> applyErrors) {
        result.warnings().forEach(w -> LOG.warn(w.toString()));
        boolean startup = trigger.equals(STARTUP);
        if (!result.errors().isEmpty() && !startup) {
            // (at startup the problems end modelswap, and the exit message lists them: see Lifecycle)
            LOG.errorf("configuration %s has %d problem(s) (reload: %s); the previous configuration stays in"
                    + " force; fix them and save again:", describeSources(), result.errors().size(), trigger);
            result.errors().forEach(e -> LOG.error("  " + e));
        }
        List<String> errors = new ArrayList<>(strings(result.errors()));
        errors.addAll(applyErrors);
        boolean ok = errors.isEmpty();
        metrics.record(ok, !startup);
        List<Problem> problems = new ArrayList<>();
        result.errors().forEach(p -> problems.add(Problem.of("error", p)));
        applyErrors.forEach(e -> problems.add(new Problem("error", file.toString(), 0, "", e)));
        result.warnings().forEach(p -> problems.add(Problem.of("warning", p)));
        lastReload = new ReloadStatus(Instant.now(), trigger, ok, List.copyOf(errors), strings(result.warnings()),
                inForce == null ? 0 : inForce.models().size(), file.toString(), dir.map(Path::toString).orElse(null),
                List.copyOf(problems));
        LocalCodec.registerOn(vertx.eventBus());
        vertx.eventBus().publish(STATUS_ADDRESS, lastReload, LocalCodec.LOCAL);
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
     * @param file     the configuration file in use
     * @param dir      the configuration directory in use, or null
     * @param problems the errors, then the warnings, each with its place, for a page that links to the line
     */
    public record ReloadStatus(Instant at, String trigger, boolean ok, List<String> errors, List<String> warnings,
            int models, String file, String dir, List<Problem> problems) {
    }

    /**
     * One problem of a load with its place.
     *
     * @param severity {@code error} (the load was refused) or {@code warning}
     * @param file     the file it is in
     * @param line     1-based line; 0 when it has no single place
     * @param key      the dotted key path, or empty
     * @param message  what is wrong
     */
    public record Problem(String severity, String file, int line, String key, String message) {
        static Problem of(String severity, ConfigProblem p) {
            return new Problem(severity, p.file(), p.line(), p.keyPath(), p.message());
        }
    }
}
