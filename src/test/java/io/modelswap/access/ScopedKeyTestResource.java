package io.modelswap.access;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.nio.file.Path;

/**
 * modelswap with a plain key (full access) and two scoped keys: {@code team} may use the models matching
 * {@code alp*} and nothing else; {@code ops}, read from a file, may use {@code b} (beta's alias) and manage.
 */
public class ScopedKeyTestResource extends TestConfigResource {

    static final String ADMIN = "sk-admin-0001";
    static final String TEAM = "sk-team-0002";
    static final String OPS = "sk-ops-0003";
    static final String OPS_ROTATED = "sk-ops-0004";
    static final Path KEY_FILE = TestConfig.writeFile(TestConfig.tempDir("modelswap-keys").resolve("ops.key"),
            OPS + "\n");

    @Override
    protected TestConfig config() {
        return TestConfig.models().globals("apiKeys: [" + ADMIN + "]\n"
                        + "security:\n  apiKeys:\n"
                        + "    - key: " + TEAM + "\n      name: team\n      models: [\"alp*\"]\n"
                        + "    - keyFile: " + KEY_FILE + "\n      name: ops\n      management: true\n      models: [b]")
                .model("alpha", "")
                .model("beta", "", "aliases: [b]");
    }
}
