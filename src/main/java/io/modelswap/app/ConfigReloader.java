package io.modelswap.app;

import io.modelswap.config.ConfigChangeDetector;
import io.modelswap.config.ConfigLoader;
import io.modelswap.config.ConfigProblem;
import io.modelswap.config.LoadResult;
import io.modelswap.router.Router;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches the configuration file (and directory) and applies every valid edit. A poll that sees a change of mtime or
 * size, or SIGHUP, reloads; an invalid file is reported line by line and the running configuration stays in force.
 */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    private final Router router;
    private final ConfigLoader loader = new ConfigLoader();
    private final Path file;
    private final Optional<Path> dir;
    private final ConfigChangeDetector detector;
    private volatile ReloadStatus lastReload;

    public ConfigReloader(Router router, ModelswapSettings settings) {
        this.router = router;
        this.file = Path.of(settings.config());
        this.dir = settings.configDir().map(Path::of);
        this.detector = new ConfigChangeDetector(file, dir);
    }

    /** Loads the configuration modelswap starts with (and takes the change detector's baseline). */
    synchronized LoadResult loadInitial() {
        detector.poll();
        LoadResult result = loader.load(file, dir);
        report(result, "startup");
        return result;
    }

    @Scheduled(identity = "config-poller", every = "${modelswap.watch.interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (lastReload != null && detector.poll()) {
            reload("configuration file changed");
        }
    }

    /** Reloads now; the running configuration stays when the new one is invalid. */
    public synchronized ReloadStatus reload(String trigger) {
        LoadResult result = loader.load(file, dir);
        report(result, trigger);
        if (result.config().isPresent()) {
            try {
                router.apply(result.config().get()).toCompletionStage().toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                LOG.infof("configuration reloaded (%s): %d model(s)", trigger, result.config().get().models().size());
            } catch (Exception e) {
                LOG.errorf(e, "configuration reload (%s) could not be applied", trigger);
            }
        }
        return lastReload;
    }

    /** The last load's time, trigger, outcome and problems. */
    public ReloadStatus lastReload() {
        return lastReload;
    }

    String describeSources() {
        return dir.map(d -> file + " and " + d + "/*.yaml").orElse(file.toString());
    }

    private void report(LoadResult result, String trigger) {
        result.warnings().forEach(w -> LOG.warn(w.toString()));
        if (!result.errors().isEmpty()) {
            LOG.errorf("configuration %s has %d problem(s)%s:", describeSources(), result.errors().size(),
                    trigger.equals("startup") ? "" : "; the previous configuration stays in force");
            result.errors().forEach(e -> LOG.error("  " + e));
        }
        lastReload = new ReloadStatus(Instant.now(), trigger, result.errors().isEmpty(),
                strings(result.errors()), strings(result.warnings()));
    }

    private static List<String> strings(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }

    /**
     * The outcome of one configuration load.
     *
     * @param at       when it happened
     * @param trigger  what caused it (startup, file change, SIGHUP, API)
     * @param ok       whether the configuration was valid and applied
     * @param errors   problems that refused it, as {@code file:line: key: message}
     * @param warnings problems that did not (unknown keys and the like)
     */
    public record ReloadStatus(Instant at, String trigger, boolean ok, List<String> errors, List<String> warnings) {
    }
}
