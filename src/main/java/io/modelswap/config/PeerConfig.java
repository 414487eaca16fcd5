package io.modelswap.config;

import java.util.List;

/**
 * A remote llama-swap compatible server whose models are routable here ({@code peers.<id>}). Parsed and validated;
 * routing to peers is built by a later issue.
 *
 * @param id       the peer's name (models are reachable as {@code id/model})
 * @param proxy    base URL
 * @param apiKey   key sent as {@code Authorization: Bearer} and {@code x-api-key}; empty = none
 * @param models   model IDs the peer serves
 * @param filters  request-body rewrites
 * @param timeouts connection timeouts ({@code responseHeader} defaults to 60 for peers)
 */
public record PeerConfig(String id, String proxy, String apiKey, List<String> models, ModelFilters filters,
        UpstreamTimeouts timeouts) {

    public PeerConfig {
        models = List.copyOf(models);
    }
}
