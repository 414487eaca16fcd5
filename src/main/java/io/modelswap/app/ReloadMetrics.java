package io.modelswap.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Configuration reloads as Prometheus sees them: {@code modelswap_config_reloads_total{outcome="success|failure"}}
 * counts reloads (not the load at startup) and {@code modelswap_config_last_reload_success} is 1 when the last load,
 * startup included, was applied and 0 when it was refused.
 */
@ApplicationScoped
public class ReloadMetrics {

    private final MeterRegistry registry;
    private final Counter successes;
    private final Counter failures;
    private final AtomicInteger lastSuccess = new AtomicInteger(1);
    private final Gauge lastSuccessGauge;

    public ReloadMetrics(MeterRegistry registry) {
        this.registry = registry;
        successes = reloads(registry, "success");
        failures = reloads(registry, "failure");
        lastSuccessGauge = Gauge.builder("modelswap.config.last.reload.success", lastSuccess, AtomicInteger::get)
                .description("1 when the last configuration load was applied, 0 when it was refused")
                .register(registry);
    }

    private static Counter reloads(MeterRegistry registry, String outcome) {
        return Counter.builder("modelswap.config.reloads")
                .description("Configuration reloads, by outcome (the load at startup is not counted)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Records one load; {@code reload} is false for the load at startup, which only sets the gauge. */
    void record(boolean ok, boolean reload) {
        lastSuccess.set(ok ? 1 : 0);
        if (reload) {
            (ok ? successes : failures).increment();
        }
    }

    /**
     * Micrometer keeps the first meter registered under a name, with its state object: a registry that outlives
     * this bean (an application restarted in one JVM, as the test suite does) would otherwise go on reading this
     * instance's numbers.
     */
    @PreDestroy
    void unregister() {
        for (Meter meter : List.of(successes, failures, lastSuccessGauge)) {
            registry.remove(meter);
        }
    }
}
