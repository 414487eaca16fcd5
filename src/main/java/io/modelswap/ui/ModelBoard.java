package io.modelswap.ui;

import io.modelswap.settings.ModelswapSettings;
import io.modelswap.config.GroupConfig;
import io.modelswap.config.MatrixConfig;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessView;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Models page shows beyond llama-swap's {@code modelStatus}: per model its group or matrix sets, TTL and
 * when its idle period began (the UI counts the TTL down from there), the scheduler's queued / waiting / in-flight
 * counts, and since when it has been in its current state (for starting and stopping progress). Everything here is
 * read for display: the scheduler's counters come from a snapshot taken on the run loop, the state times from the
 * processes' own {@link StateChange} events.
 */
@ApplicationScoped
public class ModelBoard {

    /** A matrix identifier (llama-swap's DSL: {@code [A-Za-z0-9_.-]}). */
    private static final Pattern IDENT = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Router router;
    private final Vertx vertx;
    private final ModelswapSettings settings;
    /** Last state change per model; entries of models no longer configured are dropped on every read. */
    private final Map<String, StateChange> lastChange = new ConcurrentHashMap<>();

    public ModelBoard(Router router, Vertx vertx, ModelswapSettings settings) {
        this.router = router;
        this.vertx = vertx;
        this.settings = settings;
    }

    void listen(@Observes StartupEvent event) {
        vertx.eventBus().<StateChange>localConsumer(StateChange.ADDRESS, m -> lastChange.put(m.body().model(), m.body()));
    }

    /** The board as JSON, from a fresh scheduler snapshot. */
    public io.vertx.core.Future<JsonObject> board() {
        return router.snapshot().map(this::board);
    }

    JsonObject board(SchedulerSnapshot snapshot) {
        RouterView view = router.view();
        SwapConfig config = view.config();
        lastChange.keySet().retainAll(view.processes().keySet());
        JsonArray models = new JsonArray();
        for (ModelConfig model : config.models().values()) {
            ProcessView process = view.processes().get(model.id());
            ProcessState state = process == null ? ProcessState.STOPPED : process.state();
            SchedulerSnapshot.ModelLoad load = snapshot.models().get(model.id());
            StateChange change = lastChange.get(model.id());
            JsonObject entry = new JsonObject()
                    .put("id", model.id())
                    .put("name", model.name())
                    .put("description", model.description())
                    .put("state", state.apiName())
                    .put("state_since", change == null || !change.to().equals(state) ? null : change.at().toString())
                    .put("state_reason", change == null || !change.to().equals(state) ? null : change.reason())
                    .put("aliases", new JsonArray(model.aliases()))
                    .put("unlisted", model.unlisted())
                    .put("ttl", model.ttlSeconds())
                    .put("health_check_timeout", model.healthCheckTimeoutSeconds())
                    .put("concurrency_limit", model.concurrencyLimit())
                    .put("queued", load == null ? 0 : load.queued())
                    .put("waiting", load == null ? 0 : load.waiting())
                    .put("in_flight", load == null ? 0 : load.inFlight())
                    .put("swapping", load != null && load.swapping())
                    .put("idle_since", load == null || load.idleSince() == null ? null : load.idleSince().toString());
            Instant idle = load == null ? null : load.idleSince();
            entry.put("ttl_expires_at", idle == null || model.ttlSeconds() <= 0 ? null
                    : idle.plusSeconds(model.ttlSeconds()).toString());
            if (config.routing().isMatrix()) {
                entry.put("sets", new JsonArray(setsOf(model.id(), config.routing().matrix().orElse(null))));
            } else {
                entry.put("group", groupOf(model.id(), config.routing().groups()));
            }
            models.add(entry);
        }
        return new JsonObject()
                .put("router", config.routing().router())
                .put("models", models)
                .put("queued_total", snapshot.totalQueued())
                .put("starvation_timeout_ms", settings.scheduling().starvationTimeout().toMillis())
                .put("min_residency_ms", settings.scheduling().minResidency().toMillis())
                .put("now", Instant.now().toString());
    }

    private static JsonObject groupOf(String model, List<GroupConfig> groups) {
        for (GroupConfig group : groups) {
            if (group.members().contains(model)) {
                return new JsonObject().put("id", group.id()).put("swap", group.swap())
                        .put("exclusive", group.exclusive()).put("persistent", group.persistent());
            }
        }
        return null;
    }

    /** Names of the sets whose expression names the model, directly or through a var (references not followed). */
    static List<String> setsOf(String model, MatrixConfig matrix) {
        List<String> sets = new ArrayList<>();
        if (matrix == null) {
            return sets;
        }
        matrix.sets().forEach((name, dsl) -> {
            Set<String> named = new java.util.HashSet<>();
            Matcher m = IDENT.matcher(dsl);
            while (m.find()) {
                boolean reference = m.start() > 0 && dsl.charAt(m.start() - 1) == '+';
                if (!reference) {
                    named.add(matrix.vars().getOrDefault(m.group(), m.group()));
                }
            }
            if (named.contains(model)) {
                sets.add(name);
            }
        });
        return sets;
    }
}
