package io.modelswap.config;

import java.util.List;

/**
 * Who may call modelswap, from one configuration.
 *
 * @param keys every API key in force (the plain {@code apiKeys} first, then {@code security.apiKeys}); empty: no
 *             authentication
 */
public record SecurityConfig(List<AccessKey> keys) {

    public static final SecurityConfig OPEN = new SecurityConfig(List.of());

    public SecurityConfig {
        keys = List.copyOf(keys);
    }

    /** Whether requests need a key. */
    public boolean authenticates() {
        return !keys.isEmpty();
    }
}
