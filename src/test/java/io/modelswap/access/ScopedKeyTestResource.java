package io.modelswap.access;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * modelswap with a plain key (full access) and two scoped keys: {@code team} may use the models matching
 * {@code alp*} and nothing else; {@code ops}, read from a file, may use {@code b} (beta's alias) and manage.
 */
public class ScopedKeyTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN = "sk-admin-0001";
    static final String TEAM = "sk-team-0002";
    static final String OPS = "sk-ops-0003";
    static final String OPS_ROTATED = "sk-ops-0004";
    static Path keyFile;
    static Path configFile;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("modelswap-keys");
            keyFile = dir.resolve("ops.key");
            Files.writeString(keyFile, OPS + "\n");
            FakeModels models = new FakeModels("healthCheckTimeout: 15\napiKeys: [" + ADMIN + "]\n"
                    + "security:\n  apiKeys:\n"
                    + "    - key: " + TEAM + "\n      name: team\n      models: [\"alp*\"]\n"
                    + "    - keyFile: " + keyFile + "\n      name: ops\n      management: true\n      models: [b]\n")
                    .model("alpha", "")
                    .model("beta", "", "aliases: [b]");
            configFile = models.write();
            return Map.of("modelswap.config", configFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
