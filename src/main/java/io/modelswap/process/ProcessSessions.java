package io.modelswap.process;

import java.io.IOException;
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
        return statField(pid, SESSION_FIELD);
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
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                long pid;
                try {
                    pid = Long.parseLong(process.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && statField(pid, SESSION_FIELD) == sid) {
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

    private static long statField(long pid, int index) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[index]);
        } catch (IOException | RuntimeException e) {
            return -1; // gone, no /proc, or a line not as expected
        }
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
