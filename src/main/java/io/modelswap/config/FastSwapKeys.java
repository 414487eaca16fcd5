package io.modelswap.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's {@code sleep:} and {@code slots:} from the YAML tree (not through the SmallRye mapping: {@code sleep}
 * is either a preset name or a mapping), checks them, and reports every problem at its line.
 */
final class FastSwapKeys {

    static final Set<String> SLEEP_KEYS = Set.of("preset", "sleepEndpoint", "wakeEndpoint", "cmdSleep", "cmdWake",
            "maxAsleep", "timeout");
    static final Set<String> SLOTS_KEYS = Set.of("save", "path", "maxFiles", "maxSize");
    static final List<String> PRESETS = List.of("vllm");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT");
    private static final Pattern SLOT_SAVE_PATH = Pattern.compile("--slot-save-path(?:=|\\s+)(\"[^\"]*\"|'[^']*'|\\S+)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KB|MB|GB|KiB|MiB|GiB|TiB)");

    private final ProblemReporter problems;

    FastSwapKeys(ProblemReporter problems) {
        this.problems = problems;
    }

    /** {@code models.<id>.sleep}: null when absent. */
    SleepConfig sleep(YNode model, String modelPath) {
        YNode node = model == null ? null : model.get("sleep");
        String path = modelPath + ".sleep";
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isScalar()) {
            if (!PRESETS.contains(node.value())) {
                problems.error(node, path, "unknown preset '" + node.value() + "', must be one of: "
                        + String.join(", ", PRESETS) + " (or a mapping with sleepEndpoint/wakeEndpoint or"
                        + " cmdSleep/cmdWake)");
                return null;
            }
            return SleepConfig.vllm(Duration.ZERO, SleepConfig.DEFAULT_TIMEOUT);
        }
        if (!node.isMap()) {
            problems.error(node, path, "must be a preset name (vllm) or a mapping");
            return null;
        }
        unknownKeys(node, path, SLEEP_KEYS);
        Duration maxAsleep = duration(node, path, "maxAsleep", Duration.ZERO);
        Duration timeout = duration(node, path, "timeout", SleepConfig.DEFAULT_TIMEOUT);
        if (timeout != null && timeout.isZero()) {
            problems.error(node.get("timeout"), path + ".timeout", "must be more than 0");
        }
        SleepConfig preset = null;
        YNode presetNode = node.get("preset");
        if (presetNode != null && !presetNode.isNull()) {
            if (!presetNode.isScalar() || !PRESETS.contains(presetNode.value())) {
                problems.error(presetNode, path + ".preset", "unknown preset '" + presetNode.value()
                        + "', must be one of: " + String.join(", ", PRESETS));
                return null;
            }
            preset = SleepConfig.vllm(Duration.ZERO, SleepConfig.DEFAULT_TIMEOUT);
        }
        SleepConfig.Action sleep = action(node, path, "sleepEndpoint", "cmdSleep",
                preset == null ? null : preset.sleep());
        SleepConfig.Action wake = action(node, path, "wakeEndpoint", "cmdWake", preset == null ? null : preset.wake());
        if (sleep == null || wake == null || maxAsleep == null || timeout == null || timeout.isZero()) {
            return null;
        }
        return new SleepConfig(sleep, wake, maxAsleep, timeout);
    }

    /** {@code models.<id>.slots}: null when absent or {@code save: false}. */
    SlotsConfig slots(YNode model, String modelPath, String cmd) {
        YNode node = model == null ? null : model.get("slots");
        String path = modelPath + ".slots";
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isMap()) {
            problems.error(node, path, "must be a mapping (save, path, maxFiles, maxSize)");
            return null;
        }
        unknownKeys(node, path, SLOTS_KEYS);
        YNode save = node.get("save");
        if (save != null && !save.isNull()) {
            if (save.type() != YNode.Type.BOOL) {
                problems.error(save, path + ".save", "must be true or false (got '" + save.value() + "')");
                return null;
            }
            if (!Boolean.parseBoolean(save.value().toLowerCase(Locale.ROOT))) {
                return null;
            }
        }
        String dir = scalar(node, path, "path");
        if (dir == null) {
            Matcher m = SLOT_SAVE_PATH.matcher(cmd);
            if (m.find()) {
                dir = m.group(1).replaceAll("^[\"']|[\"']$", "");
            }
        }
        if (dir == null || dir.isBlank()) {
            problems.error(node, path + ".path", "is required: the directory llama-server saves slots to (its"
                    + " --slot-save-path, which cmd does not give)");
            return null;
        }
        if (!Path.of(dir).isAbsolute()) {
            problems.error(node.get("path") == null ? node : node.get("path"), path + ".path",
                    "must be an absolute directory (got '" + dir + "')");
            return null;
        }
        int maxFiles = SlotsConfig.DEFAULT_MAX_FILES;
        YNode files = node.get("maxFiles");
        if (files != null && !files.isNull()) {
            if (files.type() != YNode.Type.INT || parseInt(files.value()) < 1) {
                problems.error(files, path + ".maxFiles", "must be a whole number >= 1 (got '" + files.value() + "')");
                return null;
            }
            maxFiles = parseInt(files.value());
        }
        long maxBytes = SlotsConfig.DEFAULT_MAX_BYTES;
        YNode size = node.get("maxSize");
        if (size != null && !size.isNull()) {
            Long bytes = size.isScalar() ? bytes(size.value()) : null;
            if (bytes == null || bytes < 1) {
                problems.error(size, path + ".maxSize", "must be a size such as 512MiB or 8GiB (got '"
                        + size.value() + "')");
                return null;
            }
            maxBytes = bytes;
        }
        return new SlotsConfig(Path.of(dir), maxFiles, maxBytes);
    }

    private SleepConfig.Action action(YNode node, String path, String endpointKey, String commandKey,
            SleepConfig.Action preset) {
        String endpoint = scalar(node, path, endpointKey);
        String command = scalar(node, path, commandKey);
        if (endpoint != null && command != null) {
            problems.error(node.get(commandKey), path + "." + commandKey, "give either " + endpointKey + " or "
                    + commandKey + ", not both");
            return null;
        }
        if (command != null) {
            if (command.isBlank()) {
                problems.error(node.get(commandKey), path + "." + commandKey, "must not be empty");
                return null;
            }
            return SleepConfig.Action.command(command);
        }
        if (endpoint == null) {
            if (preset == null) {
                problems.error(node, path + "." + endpointKey, "is required (or " + commandKey
                        + ", or preset: vllm)");
            }
            return preset;
        }
        String[] parts = endpoint.strip().split("\\s+");
        String method = parts.length == 2 ? parts[0].toUpperCase(Locale.ROOT) : "POST";
        String target = parts.length == 2 ? parts[1] : parts[0];
        if (parts.length > 2 || !METHODS.contains(method) || !target.startsWith("/")) {
            problems.error(node.get(endpointKey), path + "." + endpointKey, "must be '[GET|POST|PUT] /path'"
                    + " (got '" + endpoint + "')");
            return null;
        }
        return SleepConfig.Action.http(method, target);
    }

    private String scalar(YNode node, String path, String key) {
        YNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isScalar()) {
            problems.error(value, path + "." + key, "must be a string");
            return null;
        }
        return value.value();
    }

    private Duration duration(YNode node, String path, String key, Duration fallback) {
        String text = scalar(node, path, key);
        if (text == null) {
            return fallback;
        }
        Duration parsed = text.strip().matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text.strip()))
                : ConfigValidator.goDuration(text);
        if (parsed == null) {
            problems.error(node.get(key), path + "." + key, "must be a duration such as 30s, 10m or 1h30m (got '"
                    + text + "')");
        }
        return parsed;
    }

    private void unknownKeys(YNode node, String path, Set<String> known) {
        for (Map.Entry<String, YNode> entry : node.entries().entrySet()) {
            if (!known.contains(entry.getKey())) {
                problems.warn(Keys.join(path, entry.getKey()), "unknown key, ignored (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code 512MiB}, {@code 8GiB}, {@code 1GB}, or a plain number of bytes. */
    static Long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        long unit = switch (m.group(2)) {
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            default -> 1L;
        };
        return amount > Long.MAX_VALUE / unit ? null : amount * unit;
    }
}
