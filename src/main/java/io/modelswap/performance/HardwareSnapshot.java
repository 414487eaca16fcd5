package io.modelswap.performance;

import io.modelswap.cli.Version;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * llama-swap's hardware snapshot ({@code GET /api/hardware}, schema version 1): the machine modelswap runs on, taken
 * once, from {@code /proc}, {@code /etc/os-release}, the JVM's system properties and {@code nvidia-smi}. A fact that
 * cannot be read is {@code null}, never guessed.
 */
final class HardwareSnapshot {

    private HardwareSnapshot() {
    }

    static JsonObject take(Path proc, NvidiaSmi nvidia) {
        String arch = System.getProperty("os.arch", "");
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch.isEmpty() ? "other" : arch;
        };
        String osName = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Map<String, String> release = keyValues(read(Path.of("/etc/os-release")), "=");
        Map<String, Long> memory = ProcStats.memory(read(proc.resolve("meminfo")));
        return new JsonObject()
                .put("schema_version", 1)
                .put("captured_at", Instant.now().toString())
                .put("capture", new JsonObject().put("scope", "inference_host").put("method", "detected")
                        .put("detector", new JsonObject().put("name", "modelswap").put("version", Version.VERSION)))
                .put("architecture", new JsonObject().put("name", archName).put("raw_name", arch))
                .put("operating_system", new JsonObject()
                        .put("family", osName.contains("linux") ? "linux" : osName.contains("mac") ? "macos"
                                : osName.contains("windows") ? "windows" : "other")
                        .put("name", unquote(release.get("NAME")))
                        .put("version", unquote(release.get("VERSION_ID")))
                        .put("kernel", System.getProperty("os.version")))
                .put("environment", environment(proc))
                .put("cpu", cpu(read(proc.resolve("cpuinfo"))))
                .put("memory", new JsonObject().put("capacity_bytes",
                        memory.containsKey("MemTotal") ? memory.get("MemTotal") * 1024 : null))
                .put("accelerators", accelerators(nvidia));
    }

    static JsonObject cpu(String cpuinfo) {
        String vendor = null;
        String model = null;
        Integer coresPerSocket = null;
        Set<String> sockets = new HashSet<>();
        int logical = 0;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> logical++;
                case "vendor_id" -> vendor = vendor == null ? value : vendor;
                case "model name" -> model = model == null ? value : model;
                case "physical id" -> sockets.add(value);
                case "cpu cores" -> coresPerSocket = coresPerSocket == null ? parse(value) : coresPerSocket;
                default -> {
                }
            }
        }
        Integer socketCount = sockets.isEmpty() ? null : sockets.size();
        Integer physical = coresPerSocket == null ? null : coresPerSocket * (socketCount == null ? 1 : socketCount);
        return new JsonObject().put("vendor", vendor).put("model", model).put("socket_count", socketCount)
                .put("physical_core_count", physical).put("logical_thread_count", logical == 0 ? null : logical);
    }

    private static JsonObject environment(Path proc) {
        String cgroup = read(proc.resolve("1/cgroup"));
        if (Files.exists(Path.of("/.dockerenv")) || cgroup.contains("docker")) {
            return new JsonObject().put("kind", "container").put("name", "Docker");
        }
        if (cgroup.contains("kubepods")) {
            return new JsonObject().put("kind", "container").put("name", "Kubernetes");
        }
        return new JsonObject().put("kind", "unknown").putNull("name");
    }

    private static JsonArray accelerators(NvidiaSmi nvidia) {
        JsonArray out = new JsonArray();
        List<String[]> rows;
        try {
            rows = nvidia.hardware();
        } catch (IOException e) {
            return out;
        }
        for (String[] f : rows) {
            if (f.length < 7) {
                continue;
            }
            double memoryMb = NvidiaSmi.number(f[4]);
            double powerLimit = NvidiaSmi.number(f[6]);
            out.add(new JsonObject()
                    .put("index", out.size())
                    .put("kind", "gpu")
                    .put("vendor", "NVIDIA")
                    .put("model", f[1].isEmpty() ? null : f[1])
                    .putNull("architecture")
                    .put("memory", new JsonObject().put("kind", "dedicated")
                            .put("capacity_bytes", memoryMb > 0 ? (long) (memoryMb * 1024 * 1024) : null))
                    .put("driver", f[5].isEmpty() ? null : new JsonObject().put("name", "NVIDIA").put("version", f[5]))
                    .put("power_limit_watts", powerLimit > 0 ? powerLimit : null));
        }
        return out;
    }

    private static Map<String, String> keyValues(String text, String separator) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int at = line.indexOf(separator);
            if (at > 0) {
                out.put(line.substring(0, at).trim(), line.substring(at + separator.length()).trim());
            }
        }
        return out;
    }

    private static String unquote(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
                ? value.substring(1, value.length() - 1) : value;
    }

    private static Integer parse(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
