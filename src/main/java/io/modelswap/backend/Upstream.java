package io.modelswap.backend;

import io.modelswap.config.UpstreamTimeouts;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a leased request goes, and how: everything the forwarder needs, nothing about what runs there.
 *
 * @param kind             the backend's kind ({@code local}, {@code peer}), for display
 * @param model            the model's ID here (for messages and logs)
 * @param upstreamModel    the model's name as the upstream knows it (a peer's own ID), for display
 * @param address          the base URL as configured, for messages
 * @param base             the base URL, parsed
 * @param timeouts         the upstream's {@code timeouts}, in seconds (0: none)
 * @param concurrencyLimit the model's limit: the connection pool to the upstream is never smaller
 * @param setHeaders       request headers to set (replacing the client's), e.g. a peer's API key
 * @param removeHeaders    request headers (lower case) never sent upstream, e.g. the client's key
 */
public record Upstream(String kind, String model, String upstreamModel, String address, URI base,
        UpstreamTimeouts timeouts, int concurrencyLimit, Map<String, String> setHeaders, Set<String> removeHeaders) {

    public Upstream {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(timeouts, "timeouts");
        setHeaders = Map.copyOf(setHeaders);
        removeHeaders = Set.copyOf(removeHeaders);
    }

    /** The upstream's host. */
    public String host() {
        return base.getHost();
    }

    /** Whether the upstream is reached over TLS: its URL is {@code https://}. */
    public boolean ssl() {
        return "https".equalsIgnoreCase(base.getScheme());
    }

    /** The upstream's port (80, or 443 for {@code https://}, when the URL names none). */
    public int port() {
        return base.getPort() > 0 ? base.getPort() : ssl() ? 443 : 80;
    }
}
