package io.modelswap.router;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.placement.MemoryLedger;
import io.modelswap.router.scheduler.GroupSwapper;
import io.modelswap.router.scheduler.MatrixSwapper;
import io.modelswap.router.scheduler.MemorySwapper;
import io.modelswap.router.scheduler.ModelPolicy;
import io.modelswap.router.scheduler.SchedulerSettings;
import io.modelswap.router.scheduler.Swapper;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Turns a configuration snapshot and modelswap's own scheduling settings into the scheduler's settings. */
final class SchedulerSettingsFactory {

    private final Duration starvationTimeout;
    private final Duration minResidency;
    private final MemoryLedger memory;

    SchedulerSettingsFactory(Duration starvationTimeout, Duration minResidency) {
        this(starvationTimeout, minResidency, MemoryLedger.unpublished());
    }

    /** @param memory the run loop's memory ledger: every swapper made here places by its picture */
    SchedulerSettingsFactory(Duration starvationTimeout, Duration minResidency, MemoryLedger memory) {
        this.starvationTimeout = starvationTimeout;
        this.minResidency = minResidency;
        this.memory = memory;
    }

    /** The memory ledger the swappers read, owned by the run loop that owns this factory. */
    MemoryLedger memory() {
        return memory;
    }

    SchedulerSettings from(SwapConfig config) {
        Map<String, ModelPolicy> policies = new HashMap<>();
        for (ModelConfig model : config.models().values()) {
            policies.put(model.id(), new ModelPolicy(model.concurrencyLimit(),
                    config.routing().priorityOf(model.id()),
                    Duration.ofSeconds(model.ttlSeconds()),
                    Duration.ofSeconds(model.unloadTimeoutSeconds())));
        }
        Swapper swapper = config.resources().enabled()
                ? new MemorySwapper(swapperFor(config), memory::picture) : swapperFor(config);
        return new SchedulerSettings(policies, swapper, starvationTimeout, minResidency);
    }

    private static Swapper swapperFor(SwapConfig config) {
        if (config.routing().isMatrix()) {
            // compiled once, by the loader: a loaded configuration's matrix is always there
            return new MatrixSwapper(config.routing().matrix().orElseThrow().program());
        }
        return new GroupSwapper(config.routing().groups());
    }
}
