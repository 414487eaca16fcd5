package io.modelswap.inflight;

import io.modelswap.app.ConfigReloader;
import io.modelswap.metrics.ActivityLog;
import io.modelswap.metrics.LiveRequest;
import io.modelswap.metrics.RequestObserver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The proxied requests under way, for {@code GET /api/inflight}, {@code POST /api/inflight/<id>/cancel} and the
 * {@code inflight} frames of {@code /api/events} (llama-swap's operations: {@code snapshot}, {@code upsert},
 * {@code remove}). A request is listed from the moment the proxy submits it to the router until its response ends,
 * so the list is bounded by the requests admitted at once. Upserts for byte counts are throttled to one per request
 * per {@link #UPSERT_INTERVAL} (llama-swap's 250 ms); a change of state or queue position is told at once.
 *
 * <p>Every frame is built and handed to the listeners under one lock, so each listener sees a request's frames in the
 * order they happened ({@code upsert}s, then its {@code remove}) and {@link #atomically} can join a snapshot to the
 * live frames without a gap.
 *
 * <p>A frame is built only while a listener has an audience (an {@code /api/events} client): with nobody watching,
 * a request costs a row in the map and nothing else (no JSON, no timer), which was a third of the proxy's allocations
 * per request (docs/benchmarks.md). A listener that starts to listen takes a snapshot first ({@link #atomically}), so
 * the frames it never got are not missed.
 */
@ApplicationScoped
public class InflightRequests implements RequestObserver {

    /** Least time between two byte-count upserts of one request. */
    static final Duration UPSERT_INTERVAL = Duration.ofMillis(250);

    private final Vertx vertx;
    private final ConfigReloader config;
    private final Map<Long, Row> rows = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    public InflightRequests(Vertx vertx, ConfigReloader config) {
        this.vertx = vertx;
        this.config = config;
    }

    /** A subscriber of the frames, and whether anyone is listening to it right now. */
    private record Listener(Consumer<String> frames, BooleanSupplier listening) {
    }

    /** One listed request and what was last told of it; guarded by {@link #lock}. */
    private static final class Row {
        final LiveRequest request;
        long lastToldNanos;
        long timer = -1;
        LiveRequest.State toldState;
        int toldPosition;
        boolean toldAnswered;

        Row(LiveRequest request) {
            this.request = request;
        }
    }

    // ---------------------------------------------------------------- RequestObserver

    @Override
    public void begun(LiveRequest request) {
        synchronized (lock) {
            Row row = new Row(request);
            rows.put(request.id(), row);
            tell(row);
        }
    }

    @Override
    public void changed(LiveRequest request) {
        synchronized (lock) {
            Row row = rows.get(request.id());
            if (row == null) {
                return;
            }
            if (row.toldState != request.state() || row.toldPosition != request.queuePosition()
                    || row.toldAnswered != request.upstreamAnswered()) {
                tell(row);
                return;
            }
            if (!anyoneListening()) {
                return; // byte counts only: a listener that comes later reads them from its snapshot
            }
            if (row.timer >= 0) {
                return; // an upsert is already due: it will carry the latest counts
            }
            long remaining = UPSERT_INTERVAL.toNanos() - (System.nanoTime() - row.lastToldNanos);
            if (remaining <= 0) {
                tell(row);
            } else {
                row.timer = vertx.setTimer(Math.max(1, remaining / 1_000_000), id -> tellDue(request.id()));
            }
        }
    }

    @Override
    public void ended(LiveRequest request, ActivityLog.Entry entry) {
        synchronized (lock) {
            Row row = rows.remove(request.id());
            if (row == null) {
                return;
            }
            if (row.timer >= 0) {
                vertx.cancelTimer(row.timer);
            }
            if (anyoneListening()) {
                publish(new JsonObject().put("operation", "remove").put("id", Long.toString(request.id())));
            }
        }
    }

    // ---------------------------------------------------------------- readers

    /** Every request under way, oldest first, as the API shows them. */
    public JsonArray list() {
        List<LiveRequest> live = new ArrayList<>();
        for (Row row : rows.values()) {
            live.add(row.request);
        }
        live.sort(Comparator.comparing(LiveRequest::arrived).thenComparingLong(LiveRequest::id));
        JsonArray out = new JsonArray();
        Instant now = Instant.now();
        for (LiveRequest request : live) {
            out.add(json(request, now));
        }
        return out;
    }

    /** The {@code snapshot} frame: every request under way. */
    public JsonObject snapshot() {
        return new JsonObject().put("operation", "snapshot").put("requests", list());
    }

    /** How many requests are listed. */
    public int size() {
        return rows.size();
    }

    /**
     * Cancels the request with this id (see {@link LiveRequest#cancel}); {@code by} says who asked, for its activity
     * row. Returns false when no such request is under way.
     */
    public boolean cancel(long id, String by) {
        Row row = rows.get(id);
        return row != null && row.request.cancel(by);
    }

    /** Calls {@code listener} with every frame's JSON text from now on, in order. It must not block. */
    public void subscribe(Consumer<String> listener) {
        subscribe(listener, () -> true);
    }

    /**
     * Like {@link #subscribe(Consumer)}, for a listener that passes frames on to an audience that comes and goes:
     * while {@code listening} is false for every listener no frame is built. {@code listening} must turn true only
     * inside {@link #atomically}, together with the snapshot that the new audience starts from.
     */
    public void subscribe(Consumer<String> listener, BooleanSupplier listening) {
        listeners.add(new Listener(listener, listening));
    }

    /**
     * Runs {@code action} while no frame is being told: a snapshot taken and a subscriber added inside it neither miss
     * nor repeat a frame.
     */
    public void atomically(Runnable action) {
        synchronized (lock) {
            action.run();
        }
    }

    // ---------------------------------------------------------------- frames

    private void tellDue(long id) {
        synchronized (lock) {
            Row row = rows.get(id);
            if (row != null) {
                row.timer = -1;
                tell(row);
            }
        }
    }

    /** Publishes an upsert of {@code row} when anyone listens, and remembers what it told; under {@link #lock}. */
    private void tell(Row row) {
        if (row.timer >= 0) {
            vertx.cancelTimer(row.timer);
            row.timer = -1;
        }
        row.lastToldNanos = System.nanoTime();
        row.toldState = row.request.state();
        row.toldPosition = row.request.queuePosition();
        row.toldAnswered = row.request.upstreamAnswered();
        if (anyoneListening()) {
            publish(new JsonObject().put("operation", "upsert").put("request", json(row.request, Instant.now())));
        }
    }

    private boolean anyoneListening() {
        for (Listener listener : listeners) {
            if (listener.listening().getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    private void publish(JsonObject frame) {
        String text = frame.encode();
        for (Listener listener : listeners) {
            try {
                listener.frames().accept(text);
            } catch (RuntimeException e) {
                // a listener's failure is its own
            }
        }
    }

    /** llama-swap's in-flight entry, plus what modelswap knows: state, queue position, both byte counts. */
    JsonObject json(LiveRequest r, Instant now) {
        Map<String, String> requestHeaders = r.requestHeaders();
        return new JsonObject()
                .put("id", Long.toString(r.id()))
                .put("timestamp", r.arrived().toString())
                .put("model", r.model())
                .put("requested", r.requested())
                .put("served_by", r.servedBy())
                .put("req_path", r.path())
                .put("method", r.method())
                .put("req_headers", new JsonObject(new java.util.LinkedHashMap<>(requestHeaders)))
                .put("remote_ip", r.remoteAddress())
                .put("user_agent", Optional.ofNullable(r.header("User-Agent")).orElse(""))
                .put("session_id", sessionId(r))
                .put("resp_headers", new JsonObject(new java.util.LinkedHashMap<>(r.responseHeaders())))
                .put("req_bytes", r.bytesReceived())
                .put("resp_bytes", r.bytesSent())
                .put("elapsed_ms", Math.max(0, Duration.between(r.arrived(), now).toMillis()))
                .put("state", r.state().apiName())
                .put("queue_position", r.queuePosition());
    }

    /** The first non-blank value of the {@code ui.activity.session_id} headers, or empty. */
    private String sessionId(LiveRequest r) {
        for (String header : config.serverSettings().sessionIdHeaders()) {
            String value = r.header(header);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return "";
    }
}
