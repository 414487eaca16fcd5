package io.modelswap.router.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * The scheduler's view of one model's settings.
 *
 * @param concurrencyLimit admitted tickets (queued + waiting + in flight) allowed at once; {@code <= 0} means
 *                         llama-swap's default {@link #DEFAULT_CONCURRENCY_LIMIT}
 * @param priority         queue priority, higher first, FIFO among equals
 * @param ttl              idle time before the model is stopped; {@link Duration#ZERO} = never
 * @param unloadTimeout    after a config reload, how long in-flight requests may keep the old instance alive
 */
public record ModelPolicy(int concurrencyLimit, int priority, Duration ttl, Duration unloadTimeout) {

    /** llama-swap's limit when a model sets none. */
    public static final int DEFAULT_CONCURRENCY_LIMIT = 10;

    public ModelPolicy {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(unloadTimeout, "unloadTimeout");
    }

    /** A policy with llama-swap's defaults: limit 10, priority 0, no TTL, no unload grace. */
    public static ModelPolicy defaults() {
        return new ModelPolicy(0, 0, Duration.ZERO, Duration.ZERO);
    }

    /** The limit actually enforced. */
    public int effectiveConcurrencyLimit() {
        return concurrencyLimit > 0 ? concurrencyLimit : DEFAULT_CONCURRENCY_LIMIT;
    }
}
