package io.modelswap.app;

import io.modelswap.process.ProcessLedger;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
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
 * survives a restart of modelswap but not a reboot (the processes do not either). {@code off} disables it.
 */
@ApplicationScoped
public class LeftoverUpstreams {

    private static final Logger LOG = Logger.getLogger(LeftoverUpstreams.class);

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
            int stopped = ProcessLedger.stopLeftovers(contents.processes(), LEFTOVER_GRACE);
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
