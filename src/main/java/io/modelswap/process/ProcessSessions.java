package io.modelswap.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * Each model's command runs in a session of its own ({@code setsid}), so that everything it starts can be found
 * later, whatever it does: a server double-forked away from the command ({@code ( server & ); exec sleep 1e5}) is
 * no descendant of it any more, but it stays in the session unless it calls {@code setsid} itself. Java can neither
 * create a session for a child nor kill a process group, so {@code setsid} (util-linux, busybox) does the first and a
 * scan of {@code /proc/<pid>/stat} the finding. Where {@code setsid} is missing the command runs as before and only
 * its descendants are tracked.
 */
final class ProcessSessions {

    private static final Logger LOG = Logger.getLogger(ProcessSessions.class);
    private static final Path PROC = Path.of("/proc");
    /** Where setsid lives on the systems modelswap runs on; the PATH is searched too. */
    private static final List<String> SETSID_PLACES = List.of("/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid");
    private static final String SETSID = findSetsid();

    private ProcessSessions() {
    }

    /** Whether commands get a session of their own here. */
    static boolean available() {
        return SETSID != null;
    }

    /**
     * {@code argv} run in a new session: {@code setsid argv...}. setsid does not fork here (a child of the JVM is no
     * process group leader), so the process started keeps its pid, and that pid is the session's id.
     */
    static List<String> inOwnSession(List<String> argv) {
        if (SETSID == null) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(argv.size() + 1);
        wrapped.add(SETSID);
        wrapped.addAll(argv);
        return wrapped;
    }

    /**
     * Fails as {@code ProcessBuilder.start()} would when {@code program} cannot be run: through setsid, a missing
     * program would only show as setsid's exit code 127 once started, and the start failure would read like a crash.
     * Only checked when setsid is used; {@code path} is the PATH the command gets.
     */
    static void checkRunnable(String program, String path) throws IOException {
        if (SETSID == null) {
            return;
        }
        if (program.contains("/")) {
            if (Files.isExecutable(Path.of(program)) && !Files.isDirectory(Path.of(program))) {
                return;
            }
        } else if (path != null) {
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return;
                }
            }
        }
        throw new IOException("Cannot run program \"" + program + "\": not found, or not executable"
                + (program.contains("/") ? "" : " (searched the PATH)"));
    }

    /** The session id of {@code pid}; -1 when it cannot be read (gone, or no {@code /proc}). */
    static long sessionOf(long pid) {
        return statField(PROC.resolve(Long.toString(pid)).resolve("stat"), SESSION_FIELD, new byte[STAT_BUFFER]);
    }

    /**
     * The running (not zombie) processes of session {@code sid}, this JVM never among them; empty for {@code sid <= 1}
     * or without {@code /proc}.
     */
    static List<ProcessHandle> members(long sid) {
        List<ProcessHandle> members = new ArrayList<>();
        if (sid <= 1) {
            return members;
        }
        long self = ProcessHandle.current().pid();
        byte[] buffer = new byte[STAT_BUFFER]; // one per scan: the scan reads every process's stat
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                long pid;
                try {
                    pid = Long.parseLong(process.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && statField(process.resolve("stat"), SESSION_FIELD, buffer) == sid) {
                    ProcessHandle.of(pid).filter(ProcessTree::running).ifPresent(members::add);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // no /proc: nothing to find
        }
        return members;
    }

    /** Fields of {@code /proc/<pid>/stat} after the command's closing parenthesis: state, ppid, pgrp, session. */
    private static final int SESSION_FIELD = 3;

    /**
     * Room for a whole {@code /proc/<pid>/stat} line: 52 numeric fields and a command name of at most 16 bytes stay
     * well under 1 KiB. {@code Files.readString} would allocate 8 KiB per file (the kernel reports size 0), and
     * {@link #members} reads every process's file each second while a model runs (UpstreamRun.recordForked): on a
     * machine with 70 processes that was about 1 MB of garbage a second, which the native executable's young
     * generation held until its next collection (docs/benchmarks.md, "Native footprint").
     */
    static final int STAT_BUFFER = 1024;

    /**
     * Field {@code index} (counted from 0 after the command's closing parenthesis) of a {@code /proc/<pid>/stat} file,
     * read into {@code buffer}, as a number; -1 when it cannot be read (gone, no {@code /proc}, not as expected).
     */
    static long statField(Path stat, int index, byte[] buffer) {
        int length;
        try (InputStream in = Files.newInputStream(stat)) {
            length = in.readNBytes(buffer, 0, buffer.length);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return field(buffer, length, index);
    }

    /** Field {@code index} after the last ')' of the first {@code length} bytes of a stat line; -1 when not there. */
    static long field(byte[] line, int length, int index) {
        int at = length - 1;
        while (at >= 0 && line[at] != ')') {
            at--;
        }
        if (at < 0) {
            return -1;
        }
        at += 2; // past ") "
        for (int skipped = 0; skipped < index; at++) {
            if (at >= length) {
                return -1;
            }
            if (line[at] == ' ') {
                skipped++;
            }
        }
        long value = 0;
        boolean negative = at < length && line[at] == '-';
        int start = negative ? at + 1 : at;
        int end = start;
        while (end < length && line[end] >= '0' && line[end] <= '9') {
            value = value * 10 + (line[end] - '0');
            end++;
        }
        if (end == start) {
            return -1;
        }
        return negative ? -value : value;
    }

    private static String findSetsid() {
        List<String> places = new ArrayList<>(SETSID_PLACES);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    places.add(dir + "/setsid");
                }
            }
        }
        for (String place : places) {
            if (Files.isExecutable(Path.of(place))) {
                return place;
            }
        }
        LOG.warn("setsid was not found: upstream commands run in modelswap's session, and a server they fork away"
                + " (double fork) cannot be found to be stopped; install util-linux");
        return null;
    }
}
