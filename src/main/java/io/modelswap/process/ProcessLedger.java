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
 * half of it. Writes happen on spawn, when a ready process's descendants are listed, and on reap: a handful per swap,
 * each a few hundred bytes. The first line names the owning modelswap (its PID and start time): a second modelswap
 * that finds a live owner leaves the file and its processes alone.
 * <p>
 * Format, one record per line, tab-separated: {@code owner <pid> <startMillis>}, then
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

    /** The file's contents: the modelswap that wrote it and the processes it had running. */
    public record Contents(Optional<Entry> owner, List<Entry> processes) {
    }

    private final Path file;
    /** Runs not yet reaped, by run id; every entry of a run leaves together. Guarded by {@code this}. */
    private final Map<Long, List<Entry>> runs = new LinkedHashMap<>();
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

    /** Records processes of run {@code run} (its root at spawn, its descendants once listed); blocking IO. */
    void record(long run, String model, List<ProcessHandle> processes) {
        if (file == null) {
            return;
        }
        synchronized (this) {
            if (closed.containsKey(run)) {
                return; // reaped already: recording it now would leave a stale line
            }
            List<Entry> entries = runs.computeIfAbsent(run, r -> new ArrayList<>());
            for (ProcessHandle p : processes) {
                long start = startMillis(p);
                if (start > 0 && entries.stream().noneMatch(e -> e.pid() == p.pid())) {
                    entries.add(new Entry(p.pid(), start, model));
                }
            }
            write();
        }
    }

    /** Run {@code run} is reaped: forget its processes; blocking IO. */
    void close(long run) {
        if (file == null) {
            return;
        }
        synchronized (this) {
            closed.put(run, Boolean.TRUE);
            if (runs.remove(run) != null) {
                write();
            }
        }
    }

    private void write() {
        StringBuilder out = new StringBuilder();
        ProcessHandle self = ProcessHandle.current();
        out.append("owner\t").append(self.pid()).append('\t').append(startMillis(self)).append('\n');
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

    /** Reads a state file; empty contents when it does not exist. Unreadable lines are skipped. */
    public static Contents read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Contents(Optional.empty(), List.of());
        }
        Entry owner = null;
        List<Entry> processes = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", 3);
            try {
                if (f.length == 3 && f[0].equals("owner")) {
                    owner = new Entry(Long.parseLong(f[1]), Long.parseLong(f[2]), "modelswap");
                } else if (f.length == 3) {
                    processes.add(new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
                }
            } catch (NumberFormatException e) {
                LOG.debugf("state file %s: skipping line \"%s\"", file, line);
            }
        }
        return new Contents(Optional.ofNullable(owner), processes);
    }

    /** The live process this entry names: same PID and same start time (a reused PID is someone else's). */
    public static Optional<ProcessHandle> live(Entry entry) {
        return ProcessHandle.of(entry.pid()).filter(ProcessTree::running)
                .filter(p -> startMillis(p) == entry.startMillis());
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
