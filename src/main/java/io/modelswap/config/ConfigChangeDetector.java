package io.modelswap.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Says whether the configuration changed since the last {@link #poll()}; the caller owns the timer (llama-swap polls
 * every 2 s). Pure apart from reading file attributes; not thread-safe (one poller).
 *
 * <p>Fires when a file's size or modification time changes, when its real path or file key changes (a Kubernetes
 * ConfigMap update swaps a {@code ..data} symlink to a new directory: the new file may have the same size and
 * time), when a missing file reappears, or when a {@code *.yml|*.yaml} file is added to or removed from the
 * directory. A file disappearing alone does not fire (editors and rename-style writes briefly remove it); the first
 * poll only records the baseline. Symlinks are followed.
 */
public final class ConfigChangeDetector {

    /** What identifies one version of a file. */
    private record Stamp(long size, long modified, Object fileKey, Path realPath) {
    }

    private final Path configFile;
    private final Optional<Path> configDir;
    private Map<Path, Stamp> last;

    public ConfigChangeDetector(Path configFile, Optional<Path> configDir) {
        this.configFile = configFile;
        this.configDir = configDir;
    }

    /** True when something changed since the previous call; never on the first call. */
    public boolean poll() {
        Map<Path, Stamp> now = snapshot();
        Map<Path, Stamp> before = last;
        last = now;
        if (before == null) {
            return false;
        }
        for (Map.Entry<Path, Stamp> entry : now.entrySet()) {
            Stamp previous = before.get(entry.getKey());
            if (previous == null || !previous.equals(entry.getValue())) {
                return true; // new, reappeared or changed
            }
        }
        for (Path path : before.keySet()) {
            if (!now.containsKey(path) && !path.equals(configFile)) {
                return true; // a config-dir file was removed: the merged config is different
            }
        }
        return false;
    }

    private Map<Path, Stamp> snapshot() {
        Map<Path, Stamp> stamps = new HashMap<>();
        stamp(configFile).ifPresent(s -> stamps.put(configFile, s));
        configDir.ifPresent(dir -> {
            for (Path file : ConfigFiles.yamlFilesIn(dir)) {
                stamp(file).ifPresent(s -> stamps.put(file, s));
            }
        });
        return stamps;
    }

    private static Optional<Stamp> stamp(Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            Object key = attrs.fileKey();
            return Optional.of(new Stamp(attrs.size(), attrs.lastModifiedTime().toMillis(),
                    Objects.requireNonNullElse(key, ""), file.toRealPath()));
        } catch (IOException e) {
            return Optional.empty(); // missing (or mid-swap): treated as absent
        }
    }
}
