package io.modelswap.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the user's file that are not part of {@link SwapConfig} (kept apart so the snapshot's shape, which other
 * code builds against, stays as it is).
 *
 * @param storePath          {@code store.path}: activity database file; empty = in memory
 * @param performanceDisabled {@code performance.disabled}
 * @param performanceEvery   {@code performance.every} (default 5 s, at least 5 s)
 * @param sessionIdHeaders   {@code ui.activity.session_id}: headers shown as the session, trimmed and de-duplicated
 */
public record ServerSettings(Optional<String> storePath, boolean performanceDisabled, Duration performanceEvery,
        List<String> sessionIdHeaders) {

    public static final List<String> DEFAULT_SESSION_HEADERS = List.of("X-Session-ID", "X-Litellm-Session-Id");

    public ServerSettings {
        sessionIdHeaders = List.copyOf(sessionIdHeaders);
    }
}
