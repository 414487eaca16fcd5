package io.modelswap.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Hands out {@code ${PORT}}: the one place that decides which port a model's {@code cmd} gets. Pure: the same
 * inputs give the same ports.
 *
 * <p>llama-swap hands ports out from {@code startPort} in sorted model-ID order at every load, so adding a model that
 * sorts first shifts every port after it, and every running model restarts. Here a reload keeps ports stable:
 * <ol>
 *   <li>a model that had a port in the configuration in force keeps it (unchanged, it keeps its process; changed, its
 *       old instance stops before the new one starts, so the port is free by then);</li>
 *   <li>every other model that uses {@code ${PORT}}, in sorted ID order, gets the lowest port from {@code startPort}
 *       up that no model of the new configuration holds and no model of the previous one held (a removed model may
 *       still be draining on its port), and that nobody else listens on (so that a model's health check can never
 *       be answered by a server that was there before it).</li>
 * </ol>
 * At startup nothing is in force, so the ports are llama-swap's. {@code startPort} applies to ports handed out from
 * then on; a model that keeps its port keeps it even when {@code startPort} changes (restart modelswap to renumber).
 */
final class PortAllocator {

    /** The highest TCP port. */
    static final int MAX_PORT = 65_535;

    private PortAllocator() {
    }

    /**
     * @param models    IDs of the models whose {@code cmd} uses {@code ${PORT}}, sorted
     * @param previous  model ID to port of the configuration in force (empty at startup)
     * @param startPort first port to hand out
     * @return model ID to port, for every model of {@code models}; a model is missing only when the ports up to
     *         {@link #MAX_PORT} ran out
     */
    static Map<String, Integer> allocate(List<String> models, Map<String, Integer> previous, int startPort) {
        return allocate(models, previous, startPort, port -> false);
    }

    /**
     * Like {@link #allocate(List, Map, int)}; a port handed out anew also skips every port {@code taken} says someone
     * else listens on (a kept port is the model's own: its server may be the one listening there).
     */
    static Map<String, Integer> allocate(List<String> models, Map<String, Integer> previous, int startPort,
            IntPredicate taken) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Set<Integer> held = new HashSet<>(previous.values());
        for (String model : models) {
            Integer kept = previous.get(model);
            if (kept != null) {
                ports.put(model, kept);
            }
        }
        int next = startPort;
        for (String model : models) {
            if (ports.containsKey(model)) {
                continue;
            }
            while (next <= MAX_PORT && (held.contains(next) || taken.test(next))) {
                next++;
            }
            if (next > MAX_PORT) {
                break;
            }
            ports.put(model, next);
            held.add(next);
        }
        return ports;
    }
}
