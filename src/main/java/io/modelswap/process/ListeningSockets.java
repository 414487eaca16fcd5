package io.modelswap.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who listens on a TCP port of this machine, read from Linux's {@code /proc}: the listening sockets of a port from
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} (with their inode), and the process holding a socket from the
 * {@code socket:[inode]} links among {@code /proc/<pid>/fd}. Blocking file reads: call off the event loop. Where
 * {@code /proc} is missing (not Linux) the answers say "cannot tell" and callers fall back to what they did before.
 */
public final class ListeningSockets {

    private static final Path PROC = Path.of("/proc");
    private static final List<Path> TCP_TABLES = List.of(PROC.resolve("net/tcp"), PROC.resolve("net/tcp6"));
    /** The state column's value for a listening socket ({@code TCP_LISTEN}). */
    private static final String LISTEN = "0A";

    /** One listening socket: its port, the inode that names it in {@code /proc/<pid>/fd}, and its owner's uid. */
    record Listener(int port, long inode, int uid) {
    }

    private ListeningSockets() {
    }

    /**
     * The sockets listening on {@code port}, IPv4 and IPv6, in this network namespace; empty when {@code /proc} cannot
     * tell (then the caller cannot know either way).
     */
    static Optional<List<Listener>> on(int port) {
        List<Listener> found = new ArrayList<>();
        boolean readAny = false;
        for (Path table : TCP_TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | UncheckedIOException e) {
                continue; // no IPv6, or no /proc at all
            }
            readAny = true;
            for (int i = 1; i < lines.size(); i++) {
                Listener listener = parse(lines.get(i));
                if (listener != null && listener.port() == port) {
                    found.add(listener);
                }
            }
        }
        return readAny ? Optional.of(found) : Optional.empty();
    }

    /** A line of {@code /proc/net/tcp[6]} when it is a listening socket, else null. */
    static Listener parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[3].equals(LISTEN)) {
            return null;
        }
        int colon = f[1].lastIndexOf(':');
        try {
            return new Listener(Integer.parseInt(f[1].substring(colon + 1), 16), Long.parseLong(f[9]),
                    Integer.parseInt(f[7]));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * Whether some process on this machine listens on {@code port}: from {@code /proc} where there is one, else by
     * trying to bind it (which also fails for a port someone has bound without listening yet: not free either way).
     */
    public static boolean someoneListens(int port) {
        Optional<List<Listener>> listeners = on(port);
        if (listeners.isPresent()) {
            return !listeners.get().isEmpty();
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The socket inodes among the open files of {@code pid}; empty when they cannot be read (gone, not ours). */
    static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                long inode = socketInode(fd);
                if (inode >= 0) {
                    inodes.add(inode);
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // gone, or another user's: nothing to tell
        }
        return inodes;
    }

    /**
     * The process holding socket {@code inode}, looked for among every process whose open files this user may read;
     * empty when none of those holds it (it may be root's, another user's, or just closed).
     */
    static Optional<ProcessHandle> holderOf(long inode) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                if (socketInodes(pid).contains(inode)) {
                    return ProcessHandle.of(pid);
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // no /proc
        }
        return Optional.empty();
    }

    private static long socketInode(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                return Long.parseLong(target.substring(8, target.length() - 1));
            }
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            // closed meanwhile, or not a link
        }
        return -1;
    }
}
