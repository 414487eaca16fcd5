package io.modelswap.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Lays the reload tests' configuration out as Kubernetes mounts a ConfigMap ({@code config.yaml -> ..data/config.yaml},
 * {@code ..data -> ..2026_01}), so one running app serves both the ordinary edits (written through the symlinks) and
 * the atomic {@code ..data} swap; polls every 200 ms. The directory reaches the tests as system property
 * {@value #DIR_PROPERTY}.
 */
public class ReloadTestResource implements QuarkusTestResourceLifecycleManager {

    static final String DIR_PROPERTY = "reload.test.dir";

    @Override
    public Map<String, String> start() {
        ReloadConfig.allocatePorts();
        try {
            Path dir = Files.createTempDirectory("modelswap-reload");
            Path version = Files.createDirectory(dir.resolve("..2026_01"));
            Files.writeString(version.resolve("config.yaml"), ReloadConfig.baseline().yaml());
            Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
            Path config = dir.resolve("config.yaml");
            Files.createSymbolicLink(config, Path.of("..data", "config.yaml"));
            System.setProperty(DIR_PROPERTY, dir.toString());
            return Map.of("modelswap.config", config.toString(), "modelswap.watch.interval", "200ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // modelswap stops every upstream on shutdown
    }
}
