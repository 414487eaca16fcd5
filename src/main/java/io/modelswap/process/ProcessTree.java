package io.modelswap.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

/**
 * The blocking half of process ownership: spawning a command and stopping a process with its whole tree. Everything
 * here may wait (on {@code fork}, {@code /proc} scans, a grace period), so it runs on {@link #BLOCKING}, never on a
 * Vert.x thread; {@link ModelProcess} hands the results back to its owner context.
 */
final class ProcessTree {

    private static final Logger LOG = Logger.getLogger(ProcessTree.class);

    /** Pause between two checks of whether a stopping tree is gone. */
    private static final long EXIT_POLL_MILLIS = 10;

    /**
     * Threads for spawns and stops. A cached pool: a stop holds its thread for up to its grace period, and a
     * stop must never queue behind another model's stop. Daemon threads: they never keep the JVM alive.
     */
    static final ExecutorService BLOCKING = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "modelswap-process-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    private ProcessTree() {
    }

    /** Adds {@code NAME=value} entries to {@code environment}; an entry without {@code =} sets an empty value. */
    static void applyEnv(Map<String, String> environment, List<String> entries) {
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq == 0) {
                LOG.warnf("ignoring env entry \"%s\": it has no variable name", entry);
            } else if (eq < 0) {
                environment.put(entry, "");
            } else {
                environment.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
    }

    /**
     * Stops {@code process} and its descendants and reaps it: the descendants are listed before any signal (once
     * the root is gone they are reparented and can no longer be found from it); then {@code stopCommand} runs if
     * given, else SIGTERM goes to the root and every descendant; after {@code grace} SIGKILL goes to whatever is
     * still alive, listed again in case something new was forked.
     *
     * @param session     the session the command runs in (see {@link ProcessSessions}), or -1: every member is
     *                    stopped too, which finds what the command double-forked away from itself
     * @param stopCommand the split {@code cmdStop} with {@code ${PID}} substituted, or {@code null} for SIGTERM
     * @param known       descendants listed earlier (e.g. when the model became ready), stopped too: they are the
     *                    only way to find orphans of a root that already exited when there is no session
     * @return how it ended, in words for the state change, e.g. "exit code 143" or "killed after 2s grace"
     */
    static String terminate(Process process, long session, List<ProcessHandle> known, Duration grace,
            Duration killWait, List<String> stopCommand, List<String> env, LogRing logs) {
        ProcessHandle root = process.toHandle();
        Set<ProcessHandle> listed = new LinkedHashSet<>(root.descendants().toList());
        known.stream().filter(ProcessTree::running).forEach(listed::add);
        listed.addAll(ProcessSessions.members(session));
        listed.remove(root);
        List<ProcessHandle> tree = new ArrayList<>(listed);
        long deadline = System.nanoTime() + grace.toNanos();
        if (stopCommand != null && runStopCommand(stopCommand, env, deadline, logs)) {
            waitUntilGone(List.of(root), deadline);
            // cmdStop had its chance; orphans it did not handle get the ordinary SIGTERM
            tree.stream().filter(ProcessTree::running).forEach(ProcessHandle::destroy);
        } else {
            root.destroy();
            tree.forEach(ProcessHandle::destroy);
        }
        boolean graceful = waitUntilGone(withRoot(root, tree), deadline);
        if (!graceful) {
            Set<ProcessHandle> all = new LinkedHashSet<>(withRoot(root, tree));
            if (root.isAlive()) {
                root.descendants().forEach(all::add);
            }
            all.addAll(ProcessSessions.members(session)); // and whatever the session forked meanwhile
            all.stream().filter(ProcessTree::running).forEach(ProcessHandle::destroyForcibly);
            if (!waitUntilGone(new ArrayList<>(all), System.nanoTime() + killWait.toNanos())) {
                LOG.warnf("pid %d or a descendant is still alive %s after SIGKILL", root.pid(), killWait);
            }
        }
        try {
            if (process.waitFor(killWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return graceful ? "exit code " + process.exitValue() : "killed after " + describe(grace) + " grace";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "pid " + root.pid() + " did not exit even after SIGKILL";
    }

    /** Runs cmdStop to completion, bounded by the deadline; false if it could not be run at all. */
    private static boolean runStopCommand(List<String> command, List<String> env, long deadline, LogRing logs) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        applyEnv(builder.environment(), env);
        Process stopper;
        try {
            stopper = builder.start();
        } catch (IOException e) {
            logs.append("[modelswap] cmdStop could not run (" + e.getMessage() + "); sending SIGTERM instead");
            return false;
        }
        OutputDrain.start(stopper.getInputStream(), logs, LOG, "modelswap-cmdstop-" + stopper.pid());
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!stopper.waitFor(left, TimeUnit.NANOSECONDS)) {
                logs.append("[modelswap] cmdStop still running after the grace period; killing it");
                stopper.destroyForcibly();
            } else if (stopper.exitValue() != 0) {
                logs.append("[modelswap] cmdStop exited with code " + stopper.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static List<ProcessHandle> withRoot(ProcessHandle root, List<ProcessHandle> tree) {
        List<ProcessHandle> all = new ArrayList<>(tree.size() + 1);
        all.add(root);
        all.addAll(tree);
        return all;
    }

    /** Polls until none of {@code handles} is alive (true) or the deadline passes (false). */
    private static boolean waitUntilGone(List<ProcessHandle> handles, long deadline) {
        while (true) {
            if (handles.stream().noneMatch(ProcessTree::running)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(EXIT_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Whether {@code p} still runs: alive and not a zombie. The JDK's {@link ProcessHandle#isAlive()} counts a zombie
     * as alive, and an orphaned grandchild stays a zombie until PID 1 reaps it, which some inits do only every few
     * seconds (and a PID 1 that is not an init never does): waiting for that would turn every stop of a forking
     * wrapper into its full grace period. A zombie has exited and holds nothing (no port, no memory, no GPU).
     */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 'R';
            return state != 'Z' && state != 'X';
        } catch (IOException | UncheckedIOException e) {
            return p.isAlive(); // no /proc (not Linux), or it just went away
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
