package io.modelswap.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * The state file: every upstream process modelswap started and has not yet reaped, by PID <em>and</em> start time,
 * so that a modelswap killed with SIGKILL (or by the OOM killer) can stop its orphans when it starts again. A PID alone
 * is not enough: the kernel reuses them, and a reused PID (a different start time) is never touched.
 * <p>
 * Every change rewrites the whole file atomically (a temporary file, then {@code ATOMIC_MOVE}), so a reader never sees
 * half of it. Writes happen on spawn, whenever a run's processes are listed and one is new (every second while it
 * lives, so what a command forks while starting is recorded as it appears), and on reap: a handful per swap, each a
 * few hundred bytes. The first line names the owning modelswap (its PID and start time): a second modelswap that
 * finds a live owner leaves the file and its processes alone. A clean exit with nothing left running removes it.
 * <p>
 * Format, one record per line, tab-separated: {@code owner <pid> <startMillis>}, then
 * {@code session <sid> <startMillis> <model>} for a command started in a session of its own (its leader's pid and
 * start time: every process still in that session is the command's, double-forked ones included), and
 * {@code <pid> <startMillis> <model>} per process.
 */
public final class ProcessLedger {

    private static final Logger LOG = Logger.getLogger(ProcessLedger.class);

    /** A ledger that records nothing (state file disabled, and unit tests that never configure one). */
    public static final ProcessLedger DISABLED = new ProcessLedger(null);

    private static volatile ProcessLedger current = DISABLED;

    /** One recorded process. */
    public record Entry(long pid, long startMillis, String model) {
    }

    /**
     * The file's contents: the modelswap that wrote it, the processes it had running, and the sessions its commands
     * ran in (an entry's pid is the session's id, its start time its leader's).
     */
    public record Contents(Optional<Entry> owner, List<Entry> processes, List<Entry> sessions) {
    }

    private static final String SESSION = "session";

    private final Path file;
    /** Runs not yet reaped, by run id; every entry of a run leaves together. Guarded by {@code this}. */
    private final Map<Long, List<Entry>> runs = new LinkedHashMap<>();
    /** The session of each run not yet reaped that has one. Guarded by {@code this}. */
    private final Map<Long, Entry> sessions = new LinkedHashMap<>();
    /** Removed at a clean exit: nothing is written any more. Guarded by {@code this}. */
    private boolean removed;
    /**
     * The most recently reaped runs, so that a late record (descendants listed at ready racing a stop) is dropped
     * rather than left as a stale line. Bounded: an older id cannot still be recording. Guarded by {@code this}.
     */
    private final Map<Long, Boolean> closed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > CLOSED_RUNS_KEPT;
        }
    };
    private static final int CLOSED_RUNS_KEPT = 256;
    private long nextRun;

    private ProcessLedger(Path file) {
        this.file = file;
    }

    /** A ledger writing to {@code file}. */
    public static ProcessLedger at(Path file) {
        return new ProcessLedger(file);
    }

    /** The ledger every {@link ModelProcess} records into; {@link #DISABLED} until the application installs one. */
    public static ProcessLedger current() {
        return current;
    }

    public static void install(ProcessLedger ledger) {
        current = ledger;
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Writes the file now, with no process yet: claims it for this modelswap. */
    public synchronized void claim() {
        if (file != null) {
            write();
        }
    }

    /** A new run of {@code model}: its processes are recorded under the returned id. */
    synchronized long open() {
        return ++nextRun;
    }

    /**
     * Records processes of run {@code run} (its root at spawn, what it forked whenever listed); writes the file only
     * when one of them is new. Blocking IO.
     */
    void record(long run, String model, List<ProcessHandle> processes) {
        if (file == null) {
            return;
        }
        synchronized (this) {
            if (closed.containsKey(run) || removed) {
                return; // reaped already: recording it now would leave a stale line
            }
            List<Entry> entries = runs.computeIfAbsent(run, r -> new ArrayList<>());
            boolean added = false;
            for (ProcessHandle p : processes) {
                long start = startMillis(p);
                if (start > 0 && entries.stream().noneMatch(e -> e.pid() == p.pid())) {
                    entries.add(new Entry(p.pid(), start, model));
                    added = true;
                }
            }
            if (added) {
                write();
            }
        }
    }

    /** Records that run {@code run}'s command leads a session of its own, {@code leader}'s; written with the root. */
    void recordSession(long run, String model, ProcessHandle leader) {
        if (file == null) {
            return;
        }
        synchronized (this) {
            if (!closed.containsKey(run) && !removed) {
                sessions.put(run, new Entry(leader.pid(), startMillis(leader), model));
            }
        }
    }

    /** Run {@code run} is reaped: forget its processes; blocking IO. */
    void close(long run) {
        if (file == null) {
            return;
        }
        synchronized (this) {
            closed.put(run, Boolean.TRUE);
            boolean hadSession = sessions.remove(run) != null;
            if ((runs.remove(run) != null || hadSession) && !removed) {
                write();
            }
        }
    }

    /**
     * At a clean exit: removes the file unless a process it lists still runs (a model that could not be stopped in
     * time stays recorded, for the next start to stop). Returns whether it was removed. Blocking IO.
     */
    public synchronized boolean removeIfNothingRuns() {
        if (file == null || removed || anythingRuns(runs.values().stream().flatMap(List::stream).toList(),
                List.copyOf(sessions.values()))) {
            return false;
        }
        removed = true;
        try {
            Files.deleteIfExists(file);
            return true;
        } catch (IOException e) {
            LOG.debugf("could not remove the state file %s: %s", file, e);
            return false;
        }
    }

    private void write() {
        StringBuilder out = new StringBuilder();
        ProcessHandle self = ProcessHandle.current();
        out.append("owner\t").append(self.pid()).append('\t').append(startMillis(self)).append('\n');
        sessions.values().forEach(e -> out.append(SESSION).append('\t').append(e.pid()).append('\t')
                .append(e.startMillis()).append('\t').append(e.model()).append('\n'));
        runs.values().forEach(entries -> entries.forEach(e ->
                out.append(e.pid()).append('\t').append(e.startMillis()).append('\t').append(e.model()).append('\n')));
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(temp, out, StandardCharsets.UTF_8);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            LOG.warnf("could not write the state file %s (%s): upstreams of this run cannot be stopped by the next"
                    + " one if modelswap is killed; check modelswap.processes.state-file", file, e);
        }
    }

    /** Whether a process of {@code processes}, or a member of one of {@code sessions}, still runs. */
    static boolean anythingRuns(List<Entry> processes, List<Entry> sessions) {
        return processes.stream().anyMatch(e -> live(e).isPresent())
                || sessions.stream().anyMatch(e -> !sessionMembers(e).isEmpty());
    }

    /**
     * Whether a state file is left over from a modelswap that is gone and has nothing of it left to stop: its owner
     * does not run and no process or session it lists does.
     */
    public static boolean stale(Contents contents) {
        return contents.owner().flatMap(ProcessLedger::live).isEmpty()
                && !anythingRuns(contents.processes(), contents.sessions());
    }

    /** Reads a state file; empty contents when it does not exist. Unreadable lines are skipped. */
    public static Contents read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Contents(Optional.empty(), List.of(), List.of());
        }
        Entry owner = null;
        List<Entry> processes = new ArrayList<>();
        List<Entry> sessions = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", 3);
            try {
                if (f.length == 3 && f[0].equals("owner")) {
                    owner = new Entry(Long.parseLong(f[1]), Long.parseLong(f[2]), "modelswap");
                } else if (f.length == 3 && f[0].equals(SESSION)) {
                    String[] s = f[2].split("\t", 2);
                    if (s.length == 2) {
                        sessions.add(new Entry(Long.parseLong(f[1]), Long.parseLong(s[0]), s[1]));
                    }
                } else if (f.length == 3) {
                    processes.add(new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
                }
            } catch (NumberFormatException e) {
                LOG.debugf("state file %s: skipping line \"%s\"", file, line);
            }
        }
        return new Contents(Optional.ofNullable(owner), processes, sessions);
    }

    /** The live process this entry names: same PID and same start time (a reused PID is someone else's). */
    public static Optional<ProcessHandle> live(Entry entry) {
        return ProcessHandle.of(entry.pid()).filter(ProcessTree::running)
                .filter(p -> startMillis(p) == entry.startMillis());
    }

    /**
     * The live members of a recorded session. The session's id cannot name another session while any member of the
     * recorded one lives (Linux keeps a pid number in use while a process refers to it as its session), but once
     * all are gone it may be reused: a living leader with another start time means that, and then nothing is
     * returned. Members that started before the recorded leader are not the command's either.
     */
    static List<ProcessHandle> sessionMembers(Entry session) {
        Optional<ProcessHandle> leader = ProcessHandle.of(session.pid()).filter(ProcessTree::running);
        if (leader.isPresent() && startMillis(leader.get()) != session.startMillis()) {
            return List.of();
        }
        return ProcessSessions.members(session.pid()).stream()
                .filter(p -> startMillis(p) >= session.startMillis())
                .toList();
    }

    /** {@link #stopLeftovers(List, Duration)} of a file's contents: its processes and its sessions' members. */
    public static int stopLeftovers(Contents contents, Duration grace) {
        List<Entry> entries = new ArrayList<>(contents.processes());
        for (Entry session : contents.sessions()) {
            for (ProcessHandle member : sessionMembers(session)) {
                entries.add(new Entry(member.pid(), startMillis(member), session.model()));
            }
        }
        return stopLeftovers(entries, grace);
    }

    /**
     * Stops the live processes of {@code entries} and their descendants: SIGTERM to all, SIGKILL after {@code grace}
     * to whatever is left. They are not children of this JVM, so nothing here reaps them; their parent (PID 1,
     * {@code tini} in the images) does.
     *
     * @return how many processes were found alive, descendants included
     */
    public static int stopLeftovers(List<Entry> entries, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        for (Entry entry : entries) {
            live(entry).ifPresent(p -> {
                LOG.warnf("stopping pid %d of model %s, left running by a modelswap that did not shut down cleanly",
                        p.pid(), entry.model());
                if (!tree.contains(p)) {
                    tree.add(p);
                }
                p.descendants().filter(d -> !tree.contains(d)).forEach(tree::add);
            });
        }
        if (tree.isEmpty()) {
            return 0;
        }
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (tree.stream().anyMatch(ProcessTree::running) && System.nanoTime() - deadline < 0) {
            sleep(20);
        }
        List<ProcessHandle> stubborn = tree.stream().filter(ProcessTree::running).toList();
        stubborn.forEach(ProcessHandle::destroyForcibly);
        long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stubborn.stream().anyMatch(ProcessTree::running) && System.nanoTime() - killDeadline < 0) {
            sleep(20);
        }
        if (!stubborn.isEmpty()) {
            LOG.warnf("%d leftover process(es) ignored SIGTERM for %ss and were killed", stubborn.size(),
                    grace.toSeconds());
        }
        return tree.size();
    }

    /** A process's start time in epoch milliseconds; 0 when the platform does not tell. */
    static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
