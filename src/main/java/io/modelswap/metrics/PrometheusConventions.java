package io.modelswap.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Brings the meters of the built-in binders (Vert.x, Netty, JVM) in line with Prometheus's conventions, so that
 * {@code promtool check metrics} reports nothing on {@code /metrics}: snake_case names, a help text on every metric,
 * no abbreviated units, no {@code _count} suffix on a gauge.
 */
@Singleton
public class PrometheusConventions {

    @Produces
    @Singleton
    public MeterFilter conventions() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName();
                if (name.startsWith("eventBus.")) {
                    name = "vertx.eventbus." + name.substring("eventBus.".length());
                } else if (name.equals("system.cpu.count")) {
                    name = "system.cpus";
                }
                String description = id.getDescription();
                if (description == null || description.isBlank()) {
                    description = name.replace('.', ' ');
                }
                if (name.equals(id.getName()) && description.equals(id.getDescription())) {
                    return id;
                }
                return new Meter.Id(name, io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(), description, id.getType());
            }

            @Override
            public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
                // CPU time in nanoseconds: an abbreviated, non-base unit; process_cpu_usage says the same
                return id.getName().equals("process.cpu.time")
                        ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
                        : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
            }
        };
    }
}
