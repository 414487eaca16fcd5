package io.modelswap.placement;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the placement decision reads, as one immutable value: the GPUs, the reserve, each model's memory, what
 * evicting each would cost, and which models the user pinned. The run loop holds the current one and replaces it when
 * a measurement or a configuration arrives.
 *
 * @param gpus        the GPUs; empty = placement off (no {@code resources}, or no GPU known yet)
 * @param reserve     bytes kept free on every GPU
 * @param needs       model ID to its memory; a model not listed is {@link ModelNeed#UNKNOWN}
 * @param reloadCosts model ID to its learned reload time (start to ready, smoothed), in milliseconds
 * @param evictCosts  model ID to the matrix's {@code evict_costs} value; when present it replaces the reload time
 * @param pinned      models in persistent groups: memory never evicts them, and only an advisory is said about them
 */
public record MemoryPicture(List<GpuMemory> gpus, long reserve, Map<String, ModelNeed> needs,
        Map<String, Long> reloadCosts, Map<String, Integer> evictCosts, Set<String> pinned) {

    /** The cost of evicting a model whose reload time was never measured: a typical large model's load. */
    public static final long UNKNOWN_RELOAD_MS = 30_000;

    public static final MemoryPicture OFF = new MemoryPicture(List.of(), 0, Map.of(), Map.of(), Map.of(), Set.of());

    public MemoryPicture {
        gpus = List.copyOf(gpus);
        needs = Map.copyOf(needs);
        reloadCosts = Map.copyOf(reloadCosts);
        evictCosts = Map.copyOf(evictCosts);
        pinned = Set.copyOf(pinned);
    }

    public boolean enabled() {
        return !gpus.isEmpty();
    }

    public ModelNeed need(String model) {
        return needs.getOrDefault(model, ModelNeed.UNKNOWN);
    }

    /** What evicting {@code model} costs: its {@code evict_costs} value, else its reload time in milliseconds. */
    public long evictionCost(String model) {
        Integer configured = evictCosts.get(model);
        return configured != null ? configured : reloadCosts.getOrDefault(model, UNKNOWN_RELOAD_MS);
    }

    /** The cost in words: {@code reloads in 41 s}, {@code evict cost 3}, {@code reload time unknown}. */
    public String costWords(String model) {
        Integer configured = evictCosts.get(model);
        if (configured != null) {
            return "evict cost " + configured;
        }
        Long ms = reloadCosts.get(model);
        return ms == null ? "reload time unknown" : "reloads in " + Math.max(1, Math.round(ms / 1000.0)) + " s";
    }
}
