package io.modelswap.config;

import java.util.List;
import java.util.Map;

/**
 * A selector ({@code selectors.<id>}): a virtual model that picks one of its targets. Parsed and validated only.
 *
 * @param id          the selector's routable name
 * @param strategy    {@code warm}, {@code pin} or {@code spillover}
 * @param targets     model IDs, aliases or peer names, in order
 * @param spillover   concurrency per target before spilling to the next (spillover strategy; default 1)
 * @param name        display name
 * @param description free text
 * @param unlisted    hidden from listings
 * @param metadata    arbitrary metadata
 */
public record SelectorConfig(String id, String strategy, List<String> targets, int spillover, String name,
        String description, boolean unlisted, Map<String, Object> metadata) {

    public SelectorConfig {
        targets = List.copyOf(targets);
        metadata = Map.copyOf(metadata);
    }
}
