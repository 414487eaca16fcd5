package io.modelswap.config;

import java.util.List;
import java.util.Map;

/**
 * One model of the user's configuration, after macro expansion, defaults and validation: what the process owner
 * runs and what the router and proxy need to serve it. Immutable; two loads of the same effective definition are
 * {@code equals}, which is how a reload decides that a model did not change.
 *
 * @param id                 the model ID (the key under {@code models:})
 * @param cmd                the command line, macros expanded, still unsplit (see {@code process.CommandLine})
 * @param cmdStop            command that stops the upstream ({@code ${PID}} substituted at stop time); empty = SIGTERM
 * @param proxy              base URL of the upstream, e.g. {@code http://127.0.0.1:5800}
 * @param checkEndpoint      health path polled until it answers 200; {@code none} = ready as soon as spawned
 * @param ttlSeconds         idle seconds before the model is unloaded; 0 = never
 * @param unloadTimeoutSeconds graceful-stop seconds for unload, TTL and reload stops
 * @param healthCheckTimeoutSeconds seconds a start may take before it fails
 * @param aliases            other names that route to this model
 * @param env                {@code NAME=value} entries added to the inherited environment
 * @param useModelName       when non-empty, the {@code model} sent upstream is replaced with this
 * @param name               display name for listings
 * @param description        display description for listings
 * @param unlisted           hidden from {@code /v1/models}, still routable
 * @param concurrencyLimit   most requests admitted at once (queued and in flight)
 * @param sendLoadingState   stream loading progress to streaming chat requests while the model starts
 * @param filters            request-body rewrites applied before proxying
 * @param metadata           arbitrary user metadata, shown under {@code meta.llamaswap}
 * @param timeouts           upstream connection timeouts
 * @param ignoreWebsockets   websocket upgrades bypass swapping (llama-swap's {@code compat.ignoreWebsockets})
 * @param capabilities       what the model can do, rendered into {@code /v1/models}
 * @param sleep              how to put it to sleep instead of stopping it when it is evicted; null = stop it
 * @param slots              where its llama-server slots are saved across a stop or sleep; null = not saved
 * @param metricsEndpoint    the upstream's Prometheus path, merged into modelswap's {@code /metrics} while it is
 *                           ready; empty = not scraped
 */
public record ModelConfig(
        String id,
        String cmd,
        String cmdStop,
        String proxy,
        String checkEndpoint,
        int ttlSeconds,
        int unloadTimeoutSeconds,
        int healthCheckTimeoutSeconds,
        List<String> aliases,
        List<String> env,
        String useModelName,
        String name,
        String description,
        boolean unlisted,
        int concurrencyLimit,
        boolean sendLoadingState,
        ModelFilters filters,
        Map<String, Object> metadata,
        UpstreamTimeouts timeouts,
        boolean ignoreWebsockets,
        Capabilities capabilities,
        SleepConfig sleep,
        SlotsConfig slots,
        String metricsEndpoint) {

    /** llama-swap's value of {@code checkEndpoint} that turns health checking off. */
    public static final String NO_HEALTH_CHECK = "none";

    public ModelConfig {
        aliases = List.copyOf(aliases);
        env = List.copyOf(env);
        metadata = Map.copyOf(metadata);
        metricsEndpoint = metricsEndpoint == null ? "" : metricsEndpoint;
    }

    /** A model that neither sleeps nor keeps its slots (the shape before {@code sleep} and {@code slots} existed). */
    public ModelConfig(String id, String cmd, String cmdStop, String proxy, String checkEndpoint, int ttlSeconds,
            int unloadTimeoutSeconds, int healthCheckTimeoutSeconds, List<String> aliases, List<String> env,
            String useModelName, String name, String description, boolean unlisted, int concurrencyLimit,
            boolean sendLoadingState, ModelFilters filters, Map<String, Object> metadata, UpstreamTimeouts timeouts,
            boolean ignoreWebsockets, Capabilities capabilities) {
        this(id, cmd, cmdStop, proxy, checkEndpoint, ttlSeconds, unloadTimeoutSeconds, healthCheckTimeoutSeconds,
                aliases, env, useModelName, name, description, unlisted, concurrencyLimit, sendLoadingState, filters,
                metadata, timeouts, ignoreWebsockets, capabilities, null, null, "");
    }

    /** The same definition with {@code sleep} and {@code slots} set. */
    public ModelConfig withFastSwap(SleepConfig sleepConfig, SlotsConfig slotsConfig) {
        return new ModelConfig(id, cmd, cmdStop, proxy, checkEndpoint, ttlSeconds, unloadTimeoutSeconds,
                healthCheckTimeoutSeconds, aliases, env, useModelName, name, description, unlisted, concurrencyLimit,
                sendLoadingState, filters, metadata, timeouts, ignoreWebsockets, capabilities, sleepConfig,
                slotsConfig, metricsEndpoint);
    }

    /** The same definition with {@code metricsEndpoint} set. */
    public ModelConfig withMetricsEndpoint(String path) {
        return new ModelConfig(id, cmd, cmdStop, proxy, checkEndpoint, ttlSeconds, unloadTimeoutSeconds,
                healthCheckTimeoutSeconds, aliases, env, useModelName, name, description, unlisted, concurrencyLimit,
                sendLoadingState, filters, metadata, timeouts, ignoreWebsockets, capabilities, sleep, slots, path);
    }

    /** Whether the process must be polled before it is ready. */
    public boolean hasHealthCheck() {
        return !NO_HEALTH_CHECK.equalsIgnoreCase(checkEndpoint) && !checkEndpoint.isEmpty();
    }

    /**
     * Whether a running instance of {@code this} can keep serving under {@code next}: everything that shapes the
     * process (command, environment, address, health, stop, sleep, slot files) is the same. Listing-only fields may differ.
     */
    public boolean sameProcessAs(ModelConfig next) {
        return cmd.equals(next.cmd) && cmdStop.equals(next.cmdStop) && proxy.equals(next.proxy)
                && checkEndpoint.equals(next.checkEndpoint) && env.equals(next.env)
                && healthCheckTimeoutSeconds == next.healthCheckTimeoutSeconds
                && java.util.Objects.equals(sleep, next.sleep) && java.util.Objects.equals(slots, next.slots);
    }
}
