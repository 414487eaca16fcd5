package io.modelswap.process;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One spawn of a model's command and everything that belongs to it, from the spawn request until it is reaped. Owned
 * by its {@link ModelProcess}: fields without {@code volatile} are touched on the owner's context only; the volatile
 * ones are written by the blocking thread that spawns or lists the run.
 */
final class UpstreamRun {

    final long deadlineNanos;
    /** Where its processes are recorded for a restart after SIGKILL, and under which id. */
    final ProcessLedger ledger = ProcessLedger.current();
    final long ledgerRun = ledger.open();
    final Promise<Process> spawned = Promise.promise();
    Process process;
    OutputDrain drain;
    /** The run's session id (its root's pid) when the command got a session of its own, else -1. */
    volatile long session = -1;
    /** The timer that records the run's processes into the state file; -1 when none. */
    long recordTimer = -1;
    /** A failed start's failure, told to its waiters once the run is cleaned up and STOPPED is published. */
    StartFailedException failure;
    final List<Promise<Void>> failedWaiters = new ArrayList<>();
    /** A stop of this run is under way (asked for, an aborted start, or the cleanup of a failed start). */
    volatile boolean killing;
    /** Why the run ends, for the final transition to STOPPED. */
    String endReason = "stopped";
    HealthCheck.Poll health;
    /** Descendants listed when it became ready (written by a blocking thread, hence volatile). */
    volatile List<ProcessHandle> knownDescendants = List.of();

    UpstreamRun(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Everything the run's root has started, the root left out: its descendants and, with a session of its own, the
     * session's members (which finds what it double-forked away). A {@code /proc} scan: off the event loop.
     */
    List<ProcessHandle> forked() {
        Set<ProcessHandle> tree = new LinkedHashSet<>(process.toHandle().descendants().toList());
        tree.addAll(ProcessSessions.members(session));
        tree.remove(process.toHandle());
        return new ArrayList<>(tree);
    }

    /** Records what the run has forked by now into the state file, while it lives. Blocking. */
    void recordForked(String model) {
        if (process.isAlive() && !killing) {
            ledger.record(ledgerRun, model, forked());
        }
    }

    /** What the run left running after its root exited: the descendants listed when ready, its session. Blocking. */
    List<ProcessHandle> leftBehind() {
        Set<ProcessHandle> left = new LinkedHashSet<>(knownDescendants);
        left.addAll(ProcessSessions.members(session));
        return left.stream().filter(ProcessTree::running).toList();
    }

    /**
     * Lists what the run has forked into {@link #knownDescendants} and the state file, and says who else answers on
     * {@code proxy}'s port, if anyone: whatever answered the health check must be the model's own server, not one
     * already on its port. A {@code /proc} scan: off the event loop.
     */
    Optional<String> listTree(String model, String proxy) {
        List<ProcessHandle> tree = forked();
        knownDescendants = tree;
        ledger.record(ledgerRun, model, tree);
        List<ProcessHandle> withRoot = new ArrayList<>(tree);
        withRoot.add(process.toHandle());
        return PortOwnership.squatter(proxy, withRoot, process.toHandle());
    }

    /** Stops watching the run: its health poll and the timer that records its processes. Owner context. */
    void stopWatching(Vertx vertx) {
        if (health != null) {
            health.cancel();
        }
        if (recordTimer >= 0) {
            vertx.cancelTimer(recordTimer);
            recordTimer = -1;
        }
    }
}
