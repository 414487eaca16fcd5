package io.modelswap.access;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.nio.file.Path;

/**
 * modelswap with a plain key (full access) and three scoped keys: {@code team} may use the models matching
 * {@code alp*} and nothing else; {@code ops}, read from a file, may use {@code b} (beta's alias) and manage;
 * {@code remote} may use the models of the peer {@code p1}. Selectors mix models in and out of team's scope.
 */
public class ScopedKeyTestResource extends TestConfigResource {

    static final String ADMIN = "sk-admin-0001";
    static final String TEAM = "sk-team-0002";
    static final String OPS = "sk-ops-0003";
    static final String OPS_ROTATED = "sk-ops-0004";
    static final String REMOTE = "sk-remote-0005";
    static final Path KEY_FILE = TestConfig.writeFile(TestConfig.tempDir("modelswap-keys").resolve("ops.key"),
            OPS + "\n");

    @Override
    protected TestConfig config() {
        return TestConfig.models().globals("apiKeys: [" + ADMIN + "]\n"
                        + "security:\n  apiKeys:\n"
                        + "    - key: " + TEAM + "\n      name: team\n      models: [\"alp*\"]\n"
                        + "    - keyFile: " + KEY_FILE + "\n      name: ops\n      management: true\n      models: [b]\n"
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
    }
}
