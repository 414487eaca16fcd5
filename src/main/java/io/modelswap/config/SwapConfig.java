package io.modelswap.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One successfully loaded, validated configuration: an immutable snapshot. A reload builds a new one and the router
 * applies the difference; a failed load never produces one.
 *
 * @param healthCheckTimeoutSeconds global start deadline (min 15, default 120)
 * @param logLevel            debug, info, warn or error
 * @param logTimeFormat       llama-swap time format name, or empty
 * @param logToStdout         proxy, upstream, both or none
 * @param metricsMaxInMemory  activity records kept (default 1000)
 * @param captureBufferMb     request capture buffer in MB (default 5; 0 disables)
 * @param startPort           first port handed out for {@code ${PORT}} (default 5800)
 * @param sendLoadingState    global default of the per-model setting
 * @param includeAliasesInList aliases listed as extra {@code /v1/models} entries
 * @param globalTtlSeconds    default {@code ttl} of models (0 = never)
 * @param unloadTimeoutSeconds default graceful stop for unloads (default 10)
 * @param apiKeys             keys accepted when non-empty
 * @param upstreamIgnorePaths regular expressions of {@code /upstream} sub-paths that never start a model
 * @param models              every model, sorted by ID
 * @param routing             groups or matrix, and priorities
 * @param preload             models started at startup, in order ({@code hooks.on_startup.preload})
 * @param peers               remote servers
 * @param profiles            named pin sets
 * @param selectors           virtual models
 * @param startupProfile      the profile activated at start and after each reload ({@code hooks.on_startup.profile});
 *                            empty for none
 * @param resources           memory-aware placement ({@link ResourcesConfig#OFF} without a {@code resources} key)
 * @param security            API keys with their scopes (the plain {@code apiKeys} among them, as full-access keys)
 */
public record SwapConfig(
        int healthCheckTimeoutSeconds,
        String logLevel,
        String logTimeFormat,
        String logToStdout,
        int metricsMaxInMemory,
        int captureBufferMb,
        int startPort,
        boolean sendLoadingState,
        boolean includeAliasesInList,
        int globalTtlSeconds,
        int unloadTimeoutSeconds,
        List<String> apiKeys,
        List<String> upstreamIgnorePaths,
        SortedMap<String, ModelConfig> models,
        RoutingConfig routing,
        List<String> preload,
        Map<String, PeerConfig> peers,
        Map<String, ProfileConfig> profiles,
        Map<String, SelectorConfig> selectors,
        String startupProfile,
        ResourcesConfig resources,
        SecurityConfig security) {

    public SwapConfig {
        apiKeys = List.copyOf(apiKeys);
        upstreamIgnorePaths = List.copyOf(upstreamIgnorePaths);
        models = Collections.unmodifiableSortedMap(new TreeMap<>(models));
        preload = List.copyOf(preload);
        peers = OrderedMaps.copyOf(peers);
        profiles = OrderedMaps.copyOf(profiles);
        selectors = OrderedMaps.copyOf(selectors);
    }

    /** The model a requested name means: a model ID, or an alias of one. */
    public Optional<ModelConfig> resolve(String requested) {
        if (requested == null) {
            return Optional.empty();
        }
        ModelConfig direct = models.get(requested);
        if (direct != null) {
            return Optional.of(direct);
        }
        for (ModelConfig model : models.values()) {
            if (model.aliases().contains(requested) || model.filters().setParamsByID().containsKey(requested)) {
                return Optional.of(model);
            }
        }
        return Optional.empty();
    }
}
