package io.modelswap.performance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linux's system counters, read from {@code /proc}: CPU time per core ({@code stat}), memory and swap
 * ({@code meminfo}), load average ({@code loadavg}) and bytes per network interface ({@code net/dev}). The parsers are
 * pure functions of the files' text; {@link #read} reads them under a root (normally {@code /proc}).
 */
final class ProcStats {

    private ProcStats() {
    }

    /** One core's CPU time counters: busy and total jiffies since boot. */
    record CoreTimes(long busy, long total) {
    }

    /**
     * One reading.
     *
     * @param cores  per-core times, in core order
     * @param memory {@code meminfo} values in kB by name
     * @param load   1, 5 and 15 minute load averages
     * @param net    interface name to {received, sent} bytes, loopback left out
     */
    record Reading(List<CoreTimes> cores, Map<String, Long> memory, double[] load, Map<String, long[]> net) {
    }

    /** Reads every file under {@code root}; null when {@code stat} cannot be read (not Linux). */
    static Reading read(Path root) {
        try {
            List<CoreTimes> cores = cores(Files.readString(root.resolve("stat")));
            Map<String, Long> memory = memory(readOrEmpty(root.resolve("meminfo")));
            double[] load = load(readOrEmpty(root.resolve("loadavg")));
            Map<String, long[]> net = network(readOrEmpty(root.resolve("net/dev")));
            return new Reading(cores, memory, load, net);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The {@code cpuN} lines of {@code /proc/stat}: busy = user+nice+system+irq+softirq+steal, total adds idle+iowait. */
    static List<CoreTimes> cores(String stat) {
        List<CoreTimes> cores = new ArrayList<>();
        for (String line : stat.split("\n")) {
            if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            long[] v = new long[8];
            for (int i = 0; i < v.length && i + 1 < f.length; i++) {
                v[i] = Long.parseLong(f[i + 1]);
            }
            long idle = v[3] + v[4];
            long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
            cores.add(new CoreTimes(busy, busy + idle));
        }
        return cores;
    }

    /** Per-core utilisation in percent between two readings of the same cores. */
    static List<Double> utilisation(List<CoreTimes> before, List<CoreTimes> after) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            CoreTimes a = after.get(i);
            CoreTimes b = i < before.size() ? before.get(i) : new CoreTimes(0, 0);
            long total = a.total() - b.total();
            long busy = a.busy() - b.busy();
            out.add(total <= 0 ? 0.0 : Math.max(0, Math.min(100, 100.0 * busy / total)));
        }
        return out;
    }

    /** {@code Name: value kB} lines of {@code /proc/meminfo}. */
    static Map<String, Long> memory(String meminfo) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : meminfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] value = line.substring(colon + 1).trim().split("\\s+");
            try {
                out.put(line.substring(0, colon), Long.parseLong(value[0]));
            } catch (NumberFormatException ignored) {
                // not a number: not a counter
            }
        }
        return out;
    }

    static double[] load(String loadavg) {
        String[] f = loadavg.trim().split("\\s+");
        double[] out = new double[3];
        for (int i = 0; i < 3 && i < f.length; i++) {
            try {
                out[i] = Double.parseDouble(f[i]);
            } catch (NumberFormatException ignored) {
                // left at 0
            }
        }
        return out;
    }

    /** {@code /proc/net/dev}: per interface, received bytes (first column) and sent bytes (ninth). */
    static Map<String, long[]> network(String dev) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : dev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 9) {
                continue;
            }
            try {
                out.put(name, new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])});
            } catch (NumberFormatException ignored) {
                // a header line
            }
        }
        return out;
    }
}
