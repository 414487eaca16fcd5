package io.modelswap.swaps;

import io.modelswap.bus.LocalCodec;
import io.modelswap.router.SwapDecision;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The router's recent {@link SwapDecision}s, newest last, at most {@link #MAX_DECISIONS}: a decision's outcome
 * replaces the decision where it stands. Fed from the event bus; read by {@code GET /api/swaps} and, one frame per
 * decision and outcome, by {@code /api/events}.
 */
@ApplicationScoped
public class SwapHistory {

    /** Decisions kept (a busy box swaps a few times a minute: well over an hour of them). */
    static final int MAX_DECISIONS = 200;

    private final Vertx vertx;
    private final LinkedHashMap<Long, SwapDecision> decisions = new LinkedHashMap<>();
    private final List<Consumer<SwapDecision>> listeners = new CopyOnWriteArrayList<>();

    public SwapHistory(Vertx vertx) {
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        LocalCodec.registerOn(vertx.eventBus());
        vertx.eventBus().<SwapDecision>localConsumer(SwapDecision.ADDRESS, message -> add(message.body()));
    }

    void add(SwapDecision decision) {
        synchronized (decisions) {
            decisions.put(decision.id(), decision);
            while (decisions.size() > MAX_DECISIONS) {
                decisions.remove(decisions.keySet().iterator().next());
            }
        }
        for (Consumer<SwapDecision> listener : listeners) {
            try {
                listener.accept(decision);
            } catch (RuntimeException e) {
                // a listener's failure is its own
            }
        }
    }

    /** Calls {@code listener} with every decision and outcome from now on. It must not block. */
    public void subscribe(Consumer<SwapDecision> listener) {
        listeners.add(listener);
    }

    /** The newest {@code limit} decisions, newest first. */
    public List<SwapDecision> newest(int limit) {
        List<SwapDecision> all;
        synchronized (decisions) {
            all = new ArrayList<>(decisions.values());
        }
        List<SwapDecision> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    /** A decision as the API shows it. */
    public static JsonObject json(SwapDecision d) {
        JsonArray evicted = new JsonArray();
        for (SwapDecision.Eviction e : d.evicted()) {
            evicted.add(new JsonObject().put("model", e.model()).put("cause", e.cause()).put("rule", e.rule()));
        }
        return new JsonObject()
                .put("id", d.id())
                .put("at", d.at().toString())
                .put("kind", d.kind())
                .put("model", d.model())
                .put("evicted", evicted)
                .put("queue_wait_ms", d.queueWaitMs())
                .put("load_ms", d.loadMs())
                .put("outcome", d.outcome())
                .put("error", d.error())
                .put("note", d.note());
    }
}
