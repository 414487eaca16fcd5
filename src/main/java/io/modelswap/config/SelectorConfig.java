package io.modelswap.config;

import java.util.List;
import java.util.Map;

/**
 * A selector ({@code selectors.<id>}): a virtual model that picks one of its targets (see
 * {@code io.modelswap.selector.ModelResolver}).
 *
 * @param id          the selector's routable name
 * @param strategy    {@code warm}, {@code pin}, {@code spillover} (llama-swap's) or {@code failover} (modelswap's)
 * @param targets     model IDs, aliases or peer names, in order
 * @param spillover   concurrency per target before spilling to the next (spillover strategy; default 1)
 * @param name        display name
 * @param description free text
 * @param unlisted    hidden from listings
 * @param metadata    arbitrary metadata
 * @param backoffSeconds failover strategy: seconds a target that failed is skipped ({@code settings.backoff}, 30)
 */
public record SelectorConfig(String id, String strategy, List<String> targets, int spillover, String name,
        String description, boolean unlisted, Map<String, Object> metadata, int backoffSeconds) {

    public static final String FAILOVER = "failover";
    public static final List<String> STRATEGIES = List.of("warm", "pin", "spillover", FAILOVER);
    public static final int DEFAULT_BACKOFF = 30;

    public SelectorConfig {
        targets = List.copyOf(targets);
        metadata = Map.copyOf(metadata);
    }
}
