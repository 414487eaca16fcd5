package io.modelswap.app;

import io.modelswap.settings.ModelswapSettings;
import io.modelswap.process.ProcessLedger;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * At startup, before the router starts anything: stops the upstreams that a previous modelswap on the same state file
 * left running (it was killed with SIGKILL, or by the OOM killer, and could not stop them), then installs the
 * {@link ProcessLedger} that records this run's upstreams.
 * <p>
 * The state file defaults to {@code ${java.io.tmpdir}/modelswap-<user>-<port>.state}: one per user and HTTP port, so
 * a restart on the same port finds it without any setting, and two instances on different ports never share one. It
 * survives a restart of modelswap but not a reboot (the processes do not either). {@code off} disables it. A clean
 * exit removes it (unless an upstream could not be stopped), and a start removes the default-named files of this
 * user's other ports that are stale: their modelswap is gone and left nothing running.
 */
@ApplicationScoped
public class LeftoverUpstreams {

    private static final Logger LOG = Logger.getLogger(LeftoverUpstreams.class);

    /** The default state file's name, {@code modelswap-<user>-<port>.state}. */
    private static final java.util.regex.Pattern DEFAULT_NAME =
            java.util.regex.Pattern.compile("modelswap-.+-\\d+\\.state");

    /** SIGTERM grace for a leftover before SIGKILL: short, nobody is waiting for an answer from it. */
    static final Duration LEFTOVER_GRACE = Duration.ofSeconds(3);

    private final ModelswapSettings settings;

    public LeftoverUpstreams(ModelswapSettings settings) {
        this.settings = settings;
    }

    /** Runs before {@link Lifecycle#onStart} (default priority 2500): nothing may start before the leftovers stop. */
    void onStart(@Observes @Priority(1) StartupEvent event) {
        Optional<Path> file = stateFile(settings.processes().stateFile());
        if (file.isEmpty()) {
            LOG.debug("no state file (modelswap.processes.state-file=off)");
            return;
        }
        ProcessLedger.install(prepare(file.get()));
        if (settings.processes().stateFile().isEmpty()) {
            removeStaleFiles(file.get());
        }
    }

    /**
     * After {@link Lifecycle#onStop} (priority 2500) has stopped every upstream: the state file goes, unless
     * something it lists still runs.
     */
    void onStop(@Observes @Priority(3000) ShutdownEvent event) {
        if (ProcessLedger.current().removeIfNothingRuns()) {
            LOG.debugf("removed the state file %s", ProcessLedger.current().file().orElse(null));
        }
    }

    /**
     * Removes the default-named state files of this user's other ports that are stale (see
     * {@link ProcessLedger#stale}): each run on a new port leaves one behind otherwise, and temporary directories
     * filled with them. A file whose modelswap was killed and left upstreams running stays, for the restart on its
     * port to stop them.
     */
    static int removeStaleFiles(Path own) {
        Path dir = own.toAbsolutePath().getParent();
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "modelswap-" + user + "-*.state")) {
            for (Path file : files) {
                if (file.getFileName().equals(own.getFileName()) || !DEFAULT_NAME.matcher(
                        file.getFileName().toString()).matches()
                        || !Files.getOwner(file).getName().equals(System.getProperty("user.name"))) {
                    continue;
                }
                if (ProcessLedger.stale(ProcessLedger.read(file)) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException | UnsupportedOperationException | java.nio.file.DirectoryIteratorException e) {
            LOG.debugf("could not look for stale state files in %s: %s", dir, e);
        }
        if (removed > 0) {
            LOG.infof("removed %d stale state file(s) of modelswap runs that are gone from %s", removed, dir);
        }
        return removed;
    }

    /** Reads the file, stops what its dead owner left running, and returns the ledger for this run. */
    static ProcessLedger prepare(Path file) {
        try {
            if (Files.exists(file)) {
                String user = System.getProperty("user.name");
                String fileOwner = Files.getOwner(file).getName();
                if (!fileOwner.equals(user)) {
                    LOG.warnf("state file %s belongs to %s, not %s: not using it; set modelswap.processes.state-file"
                            + " to a file of your own", file, fileOwner, user);
                    return ProcessLedger.DISABLED;
                }
            }
            ProcessLedger.Contents contents = ProcessLedger.read(file);
            Optional<ProcessLedger.Entry> owner = contents.owner();
            if (owner.isPresent() && owner.get().pid() != ProcessHandle.current().pid()
                    && ProcessLedger.live(owner.get()).isPresent()) {
                LOG.warnf("state file %s belongs to another running modelswap (pid %d): leaving its upstreams alone"
                        + " and recording none; give each instance its own modelswap.processes.state-file", file,
                        owner.get().pid());
                return ProcessLedger.DISABLED;
            }
            int stopped = ProcessLedger.stopLeftovers(contents, LEFTOVER_GRACE);
            if (stopped > 0) {
                LOG.warnf("stopped %d upstream process(es) left running by the previous modelswap (state file %s)",
                        stopped, file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("could not read the state file %s (%s): upstreams left by a previous run, if any, were not"
                    + " stopped", file, e);
        }
        ProcessLedger ledger = ProcessLedger.at(file);
        ledger.claim();
        LOG.debugf("recording upstream processes in %s", file);
        return ledger;
    }

    /** The configured file, the default one when unset, or none for {@code off}. */
    static Optional<Path> stateFile(Optional<String> configured) {
        if (configured.isPresent()) {
            String value = configured.get().strip();
            String lower = value.toLowerCase(Locale.ROOT);
            if (value.isEmpty() || lower.equals("off") || lower.equals("none") || lower.equals("false")) {
                return Optional.empty();
            }
            return Optional.of(Path.of(value));
        }
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Optional.of(Path.of(System.getProperty("java.io.tmpdir"), "modelswap-" + user + "-" + port + ".state"));
    }
}
