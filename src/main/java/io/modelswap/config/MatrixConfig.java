package io.modelswap.config;

import java.util.Map;

/**
 * The swap matrix ({@code routing.router.settings.matrix} or legacy {@code matrix:}).
 *
 * @param vars       short name to model ID, in definition order
 * @param evictCosts var or model ID to the cost of evicting it (default 1)
 * @param sets       set name to its DSL expression, in definition order (order breaks cost ties)
 */
public record MatrixConfig(Map<String, String> vars, Map<String, Integer> evictCosts, Map<String, String> sets) {

    public MatrixConfig {
        vars = OrderedMaps.copyOf(vars);
        evictCosts = OrderedMaps.copyOf(evictCosts);
        sets = OrderedMaps.copyOf(sets);
    }
}
