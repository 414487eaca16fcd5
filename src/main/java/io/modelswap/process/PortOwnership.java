package io.modelswap.process;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Whether the server that answers on a model's port is the model's own. A health check only proves that something
 * answers: a server someone else already runs on that port (a leftover, another tool) would pass it, and requests
 * would be served by a process that is not the model's. On Linux the listening socket of the port is matched to
 * the model's process tree by its inode. Blocking: call off the event loop.
 */
final class PortOwnership {

    private PortOwnership() {
    }

    /**
     * Another process that listens on the port of {@code proxy}, told as "port N is held by pid P (command)"; empty
     * when every listener is the model's own or cannot be told apart. A listener counts as foreign only when its
     * process is outside {@code tree} and started before the model's {@code root}: a process started afterwards may
     * be the command's doing without being its descendant (a container runtime's port forwarder), and one modelswap
     * may not inspect (another user's, root's) cannot be judged. Start times are compared as the JDK reads them
     * from {@code /proc} for both (its boot-time base is whole seconds: the wall clock would be up to 1 s off).
     * Nothing is checked for a {@code proxy} that is not on this machine.
     */
    static Optional<String> squatter(String proxy, Collection<ProcessHandle> tree, ProcessHandle root) {
        Optional<Instant> rootStarted = root.info().startInstant();
        OptionalInt port = localPort(proxy);
        if (port.isEmpty()) {
            return Optional.empty();
        }
        List<ListeningSockets.Listener> listeners = ListeningSockets.on(port.getAsInt()).orElse(List.of());
        if (listeners.isEmpty()) {
            return Optional.empty();
        }
        Set<Long> ours = new HashSet<>();
        Set<Long> pids = new HashSet<>();
        for (ProcessHandle p : tree) {
            pids.add(p.pid());
            ours.addAll(ListeningSockets.socketInodes(p.pid()));
        }
        for (ListeningSockets.Listener listener : listeners) {
            if (ours.contains(listener.inode())) {
                continue;
            }
            Optional<ProcessHandle> holder = ListeningSockets.holderOf(listener.inode());
            if (holder.isEmpty() || pids.contains(holder.get().pid())) {
                continue;
            }
            Optional<Instant> started = holder.get().info().startInstant();
            if (started.isPresent() && rootStarted.isPresent() && started.get().isBefore(rootStarted.get())) {
                return Optional.of("port " + port.getAsInt() + " is held by pid " + holder.get().pid() + " ("
                        + holder.get().info().commandLine().orElse("command unknown") + "), which is not the model's");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether something listens on the port of {@code proxy}; true when that cannot be told (the address is not on
     * this machine, or there is no {@code /proc}), so that a caller never takes a live server for a dead one.
     */
    static boolean listening(String proxy) {
        OptionalInt port = localPort(proxy);
        if (port.isEmpty()) {
            return true;
        }
        return ListeningSockets.on(port.getAsInt()).map(l -> !l.isEmpty()).orElse(true);
    }

    /** The port of {@code proxy} when its host is this machine (loopback, any-address, or a local interface's). */
    static OptionalInt localPort(String proxy) {
        try {
            URI uri = URI.create(proxy);
            String host = uri.getHost();
            if (host == null) {
                return OptionalInt.empty();
            }
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            InetAddress address = InetAddress.getByName(host);
            boolean local = address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
            return local ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (IllegalArgumentException | UnknownHostException | SocketException e) {
            return OptionalInt.empty();
        }
    }
}
