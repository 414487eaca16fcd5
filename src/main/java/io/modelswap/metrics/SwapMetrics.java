package io.modelswap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelswap.process.ProcessView;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import io.modelswap.process.SwapStep;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Swap metrics fed by the process owners' {@link StateChange}s on the event bus: swaps started and failed, load time,
 * evictions by reason, each model's state as a gauge; and the {@link SwapStep}s that make swaps cheaper (sleeps, wakes,
 * slot saves and restores), counted by outcome and timed. A wake is counted as a wake, not as a start. Every label value is a configured model ID or one of a
 * fixed set of words, never anything a client sent.
 */
@ApplicationScoped
public class SwapMetrics {

    /** Buckets of the load-time histogram: a small model loads in a second, a big one in minutes. */
    static final Duration[] SWAP_BUCKETS = seconds(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600);

    private final MeterRegistry registry;
    private final Vertx vertx;
    private final Router router;
    private final RequestTracker requests;
    /** When each model's current start began (STARTING entered). */
    private final Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    /** Models being woken (STARTING entered from SLEEPING): that start is a wake, counted among the swap steps. */
    private final Set<String> waking = ConcurrentHashMap.newKeySet();
    /** Models whose per-model gauges are registered. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Set at shutdown, after which no series is registered (see {@link #forget}). */
    private boolean closed;

    public SwapMetrics(MeterRegistry registry, Vertx vertx, Router router, RequestTracker requests) {
        this.registry = registry;
        this.requests = requests;
        this.vertx = vertx;
        this.router = router;
    }

    void listen(@Observes StartupEvent event) {
        vertx.eventBus().<StateChange>localConsumer(StateChange.ADDRESS, message -> onStateChange(message.body()));
        vertx.eventBus().<SwapStep>localConsumer(SwapStep.ADDRESS, message -> onSwapStep(message.body()));
    }

    /**
     * At shutdown every per-model series goes, peers' and selectors' included: its gauges read this instance, and a
     * registry that outlives it (the next application started in the same JVM, as tests do) would otherwise keep them
     * and report NaN. The state changes of the models stopping for the shutdown arrive after this, and must not
     * register the series again: from here on nothing is registered.
     */
    synchronized void forget(@Observes io.quarkus.runtime.ShutdownEvent event) {
        closed = true;
        known.clear();
        startedAt.clear();
        waking.clear();
        for (Meter meter : List.copyOf(registry.getMeters())) {
            Meter.Id id = meter.getId();
            if (id.getName().startsWith("modelswap.") && id.getTag("model") != null) {
                registry.remove(meter);
            }
        }
    }

    /** Before each scrape of {@code /metrics}: models a reload added get their series (at 0) at once. */
    void beforeScrape(@Observes io.vertx.ext.web.Router web) {
        web.route(io.vertx.core.http.HttpMethod.GET, "/metrics").order(-999).handler(rc -> {
            registerModels();
            rc.next();
        });
    }

    void onStateChange(StateChange change) {
        String model = change.model();
        registerModels();
        if (!known.contains(model)) {
            // a model a reload removed, stopping: its series are gone and must not come back
            startedAt.remove(model);
            return;
        }
        if (change.to() == ProcessState.STARTING && change.from() == ProcessState.SLEEPING) {
            waking.add(model);
        } else if (change.from() == ProcessState.STARTING && waking.remove(model)) {
            // the end of a wake: its SwapStep counted it
        } else if (change.to() == ProcessState.STARTING) {
            startedAt.put(model, change.at());
            Counter.builder("modelswap.swaps.started").description("Model starts (loads) begun")
                    .tag("model", model).register(registry).increment();
        } else if (change.from() == ProcessState.STARTING) {
            Instant began = startedAt.remove(model);
            if (change.to() == ProcessState.READY) {
                if (began != null) {
                    swapTimer(model).record(Duration.between(began, change.at()));
                }
            } else {
                Counter.builder("modelswap.swaps.failed").description("Model starts that did not reach ready")
                        .tag("model", model).register(registry).increment();
            }
        }
        if (change.to() == ProcessState.STOPPING && change.cause() != null) {
            // a stop asked for, with its cause as the owner carried it (an upstream that exited has none)
            Counter.builder("modelswap.evictions").description("Models stopped, by why")
                    .tag("model", model).tag("reason", change.cause().label())
                    .register(registry).increment();
        }
    }

    void onSwapStep(SwapStep step) {
        registerModels();
        if (!known.contains(step.model())) {
            return;
        }
        Counter.builder("modelswap.swap.steps").description("Sleeps, wakes, slot saves and slot restores, by outcome")
                .tag("model", step.model()).tag("action", step.kind().label())
                .tag("outcome", step.succeeded() ? "ok" : "failed").register(registry).increment();
        Timer.builder("modelswap.swap.step.duration").description("Time a sleep, wake, slot save or restore took")
                .tag("model", step.model()).tag("action", step.kind().label())
                .serviceLevelObjectives(SWAP_BUCKETS).register(registry).record(step.took());
    }

    private Timer swapTimer(String model) {
        return Timer.builder("modelswap.swap.duration").description("Time from start to ready of a model's upstream")
                .tag("model", model).serviceLevelObjectives(SWAP_BUCKETS).register(registry);
    }

    /**
     * Registers the per-model gauges of every configured model not yet seen (models a reload added included), and
     * removes every per-model series of a model no longer configured (one a reload removed), so that series do not
     * pile up across reloads; cheap when nothing changed. Called on every state change and before every scrape.
     */
    public synchronized void registerModels() {
        RouterView view = router.view();
        if (view == null || closed) {
            return;
        }
        Set<String> configured = view.config().models().keySet();
        for (String model : known) {
            if (!configured.contains(model) && known.remove(model)) {
                startedAt.remove(model);
                waking.remove(model);
                requests.forgetModel(model);
                removeSeries(registry, model);
            }
        }
        for (String model : configured) {
            if (!known.add(model)) {
                continue;
            }
            for (ProcessState state : ProcessState.values()) {
                Gauge.builder("modelswap.model.state", () -> stateOf(model) == state ? 1 : 0)
                        .description("1 for the state each model's process is in, 0 for the others")
                        .tag("model", model).tag("state", state.apiName()).register(registry);
            }
            swapTimer(model);
            requests.registerModel(model);
            Counter.builder("modelswap.swaps.started").description("Model starts (loads) begun")
                    .tag("model", model).register(registry);
            Counter.builder("modelswap.swaps.failed").description("Model starts that did not reach ready")
                    .tag("model", model).register(registry);
        }
    }

    /** Removes every modelswap meter labelled with {@code model}. */
    static void removeSeries(MeterRegistry registry, String model) {
        for (Meter meter : List.copyOf(registry.getMeters())) {
            Meter.Id id = meter.getId();
            if (id.getName().startsWith("modelswap.") && model.equals(id.getTag("model"))) {
                registry.remove(meter);
            }
        }
    }

    private ProcessState stateOf(String model) {
        RouterView view = router.view();
        ProcessView process = view == null ? null : view.processes().get(model);
        return process == null ? null : process.state();
    }

    private static Duration[] seconds(double... values) {
        Duration[] buckets = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            buckets[i] = Duration.ofMillis((long) (values[i] * 1000));
        }
        return buckets;
    }
}
