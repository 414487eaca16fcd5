package io.modelswap.router.scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the scheduler needs from one config snapshot.
 *
 * @param models             every schedulable model ID to its policy
 * @param swapper            the eviction policy
 * @param starvationTimeout  once a queued ticket waited this long, fast paths that keep it blocked stop;
 *                           {@link Duration#ZERO} = off (llama-swap behaviour)
 * @param minResidency       a freshly ready model that has served nothing is not evicted before this;
 *                           {@link Duration#ZERO} = off
 */
public record SchedulerSettings(Map<String, ModelPolicy> models, Swapper swapper, Duration starvationTimeout,
        Duration minResidency) {

    public SchedulerSettings {
        models = Map.copyOf(models);
        Objects.requireNonNull(swapper, "swapper");
        Objects.requireNonNull(starvationTimeout, "starvationTimeout");
        Objects.requireNonNull(minResidency, "minResidency");
    }
}
