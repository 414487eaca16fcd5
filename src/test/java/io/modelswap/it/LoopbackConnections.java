package io.modelswap.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The established TCP connections to a port, as the kernel lists them in {@code /proc/net/tcp} (Linux): how many a
 * client holds open to an upstream, and their timers (a keep-alive timer's next probe).
 */
final class LoopbackConnections {

    /** One connection to the port: its timer ({@code 2}: keep-alive) and when it fires, in seconds. */
    record Connection(int timer, double timerSeconds) {
    }

    /** USER_HZ: /proc reports timers in clock ticks of 1/100 s. */
    private static final double TICKS_PER_SECOND = 100;

    private LoopbackConnections() {
    }

    /** The established connections whose remote end is {@code port} on loopback (IPv4 and IPv6). */
    static List<Connection> to(int port) {
        List<Connection> connections = new ArrayList<>();
        String portHex = String.format(Locale.ROOT, ":%04X", port);
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException e) {
                if (file.endsWith("6")) {
                    continue;
                }
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when ...
                if (f.length > 5 && f[2].endsWith(portHex) && f[3].equals("01")) {
                    String[] timer = f[5].split(":");
                    connections.add(new Connection(Integer.parseInt(timer[0], 16),
                            Long.parseLong(timer[1], 16) / TICKS_PER_SECOND));
                }
            }
        }
        return connections;
    }
}
