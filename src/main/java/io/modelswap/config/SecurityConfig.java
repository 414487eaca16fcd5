package io.modelswap.config;

import java.util.List;

/**
 * Who may call modelswap, from one configuration.
 *
 * @param keys every API key in force (the plain {@code apiKeys} first, then {@code security.apiKeys}); empty: no
 *             authentication
 * @param cors which browser origins may call, and the CORS headers
 */
public record SecurityConfig(List<AccessKey> keys, CorsPolicy cors) {

    public static final SecurityConfig OPEN = new SecurityConfig(List.of(), CorsPolicy.DEFAULT);

    public SecurityConfig {
        keys = List.copyOf(keys);
        java.util.Objects.requireNonNull(cors, "cors");
    }

    /** Whether requests need a key. */
    public boolean authenticates() {
        return !keys.isEmpty();
    }
}
