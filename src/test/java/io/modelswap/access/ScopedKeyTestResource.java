package io.modelswap.access;

import io.modelswap.it.FakeModels;
import io.modelswap.testing.FakeUpstream;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * modelswap with a plain key (full access) and two scoped keys: {@code team} may use the models matching
 * {@code alp*} and nothing else; {@code ops}, read from a file, may use {@code b} (beta's alias) and manage;
 * {@code remote} may use the models of the peer {@code p1}. Selectors mix models in and out of team's scope.
 */
public class ScopedKeyTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN = "sk-admin-0001";
    static final String TEAM = "sk-team-0002";
    static final String OPS = "sk-ops-0003";
    static final String OPS_ROTATED = "sk-ops-0004";
    static final String REMOTE = "sk-remote-0005";
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
                    + "    - keyFile: " + keyFile + "\n      name: ops\n      management: true\n      models: [b]\n"
                    + "    - key: " + REMOTE + "\n      name: remote\n      models: [\"p1/*\"]\n"
                    // selectors whose targets lie partly outside team's scope, one named inside it (alp*)
                    + "selectors:\n"
                    + "  mixed: {strategy: pin, targets: [alpha, beta]}\n"
                    + "  alpine: {strategy: failover, targets: [beta, alpha]}\n"
                    + "  fallback: {strategy: failover, targets: [alpha]}\n"
                    + "  warmish: {strategy: warm, targets: [a1, alpha]}\n"
                    + "  far: {strategy: pin, targets: [alpha, p1/remote]}\n"
                    // a peer nobody listens for: the scope check comes first, so no test reaches it with team
                    + "peers:\n  p1:\n    proxy: http://127.0.0.1:" + FakeUpstream.freePort() + "\n"
                    + "    models: [remote]\n")
                    .model("alpha", "", "aliases: [a1]")
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
