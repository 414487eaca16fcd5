package io.modelswap.api;

import io.modelswap.progress.LoadTimes;
import io.modelswap.logs.LogHub;
import io.modelswap.sse.LineSubscriber;
import io.modelswap.app.ConfigReloader;
import io.modelswap.config.ModelConfig;
import io.modelswap.configview.UiConfig;
import io.modelswap.inflight.InflightRequests;
import io.modelswap.swaps.SwapHistory;
import io.modelswap.metrics.ActivityLog;
import io.modelswap.process.LogRing;
import io.modelswap.process.ProcessView;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import io.modelswap.profile.ActiveProfile;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /api/events}: llama-swap's server-sent events, {@code event: message} frames whose data is
 * {@code {"type":T,"data":"<JSON as a string>"}}. A new client gets the log histories (one {@code logData} each for
 * {@code proxy} and {@code upstream}) and the models' states ({@code modelStatus}), then a {@code modelStatus} on every
 * process state change, a {@code logData} for every log line, an {@code activity} ({@code {"id":N}}) for every
 * finished proxied request, {@code inflight} frames ({@code snapshot} first, then {@code upsert}/{@code remove})
 * for the requests under way, a {@code swap} frame for each decision of the router and its outcome, and after each
 * configuration load a {@code configReload} frame (its outcome) and, when it was applied, {@code uiConfig} and
 * {@code modelStatus} again, and a {@code profileChanged} frame ({@code {"active": name or null}}, followed by
 * {@code modelStatus}) whenever the active profile changes. The first burst ends with {@code uiConfig}, the active
 * profile and the {@code inflight} snapshot. Fan-out never waits for a client: one that falls behind is dropped (see
 * {@link LineSubscriber}).
 */
@ApplicationScoped
public class EventRoutes {

    private final Router router;
    private final Vertx vertx;
    private final LogHub logs;
    private final ActivityLog activity;
    private final InflightRequests inflight;
    private final SwapHistory swaps;
    private final UiConfig uiConfig;
    private final ActiveProfile profile;
    private final Set<LineSubscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final LoadTimes loadTimes;

    /** How often a {@code modelStatus} with fresh {@code progress} is sent while a model loads. */
    static final long PROGRESS_INTERVAL_MILLIS = 1000;

    public EventRoutes(Router router, Vertx vertx, LogHub logs, ActivityLog activity, InflightRequests inflight,
            SwapHistory swaps, UiConfig uiConfig, ActiveProfile profile, LoadTimes loadTimes) {
        this.profile = profile;
        this.router = router;
        this.loadTimes = loadTimes;
        this.vertx = vertx;
        this.logs = logs;
        this.activity = activity;
        this.inflight = inflight;
        this.swaps = swaps;
        this.uiConfig = uiConfig;
    }

    void start(@Observes StartupEvent event) {
        vertx.eventBus().<StateChange>localConsumer(StateChange.ADDRESS, message -> {
            if (!subscribers.isEmpty()) {
                broadcast(frame("modelStatus", modelStatus(router.view(), loadTimes).encode()));
            }
        });
        vertx.setPeriodic(PROGRESS_INTERVAL_MILLIS, id -> {
            if (!subscribers.isEmpty() && loadTimes.anyUnderWay()) {
                broadcast(frame("modelStatus", modelStatus(router.view(), loadTimes).encode()));
            }
        });
        activity.subscribe(entry -> {
            if (!subscribers.isEmpty()) {
                broadcast(frame("activity", new JsonObject().put("id", entry.id()).encode()));
            }
        });
        // subscribers are added inside inflight.atomically, with their snapshot: frames are built only while any
        inflight.subscribe(data -> {
            if (!subscribers.isEmpty()) {
                broadcast(frame("inflight", data));
            }
        }, () -> !subscribers.isEmpty());
        vertx.eventBus().<ConfigReloader.ReloadStatus>localConsumer(ConfigReloader.STATUS_ADDRESS, message -> {
            if (!subscribers.isEmpty()) {
                broadcast(frame("configReload", UiConfig.reload(message.body()).encode()));
                if (message.body().ok()) {
                    broadcast(frame("uiConfig", uiConfig.json().encode()));
                    broadcast(frame("modelStatus", modelStatus(router.view(), loadTimes).encode()));
                }
            }
        });
        profile.subscribe(name -> {
            if (!subscribers.isEmpty()) {
                broadcast(profileFrame(name));
                broadcast(frame("modelStatus", modelStatus(router.view(), loadTimes).encode()));
            }
        });
        swaps.subscribe(decision -> {
            if (!subscribers.isEmpty()) {
                broadcast(frame("swap", SwapHistory.json(decision).encode()));
            }
        });
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.GET, "/api/events").handler(this::subscribe);
    }

    private void subscribe(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        LineSubscriber subscriber = new LineSubscriber(response);
        LogRing proxy = logs.proxy();
        LogRing upstream = logs.upstream();
        // Holding both rings' monitors (which their appends take), no line falls between a history and the live feed.
        synchronized (proxy) {
            synchronized (upstream) {
                subscriber.send(logData("proxy", proxy.history()));
                subscriber.send(logData("upstream", upstream.history()));
                subscriber.onClose(proxy.subscribe(line -> subscriber.send(logData("proxy", line + "\n"))));
                subscriber.onClose(upstream.subscribe(line -> subscriber.send(logData("upstream", line + "\n"))));
            }
        }
        subscriber.send(frame("modelStatus", modelStatus(router.view(), loadTimes).encode()));
        subscriber.send(frame("uiConfig", uiConfig.json().encode()));
        subscriber.send(profileFrame(profile.active()));
        // the snapshot and the live in-flight frames meet without a gap: no frame is told while this runs
        inflight.atomically(() -> {
            subscriber.send(frame("inflight", inflight.snapshot().encode()));
            subscribers.add(subscriber);
        });
        subscriber.onClose(() -> subscribers.remove(subscriber));
    }

    private static String logData(String source, String text) {
        return frame("logData", new JsonObject().put("source", source).put("data", text).encode());
    }

    private void broadcast(String frame) {
        for (LineSubscriber subscriber : subscribers) {
            try {
                subscriber.send(frame);
            } catch (IllegalStateException gone) {
                subscribers.remove(subscriber);
            }
        }
    }

    /** llama-swap's {@code profileChanged} frame: {@code {"active": name or null}}. */
    private static String profileFrame(String name) {
        return frame("profileChanged", new JsonObject().put("active", name.isEmpty() ? null : name).encode());
    }

    /** One SSE frame in llama-swap's envelope. */
    static String frame(String type, String data) {
        return "event: message\ndata: " + new JsonObject().put("type", type).put("data", data).encode() + "\n\n";
    }

    /**
     * Every configured model with its state, as llama-swap's {@code modelStatus} payload; a model loading or waking
     * whose load time is known also carries {@code progress} (0 to 0.95) and {@code eta} (seconds left).
     */
    static JsonArray modelStatus(RouterView view, LoadTimes loadTimes) {
        JsonArray models = new JsonArray();
        if (view == null) {
            return models;
        }
        for (ModelConfig model : view.config().models().values()) {
            ProcessView process = view.processes().get(model.id());
            ProcessState state = process == null ? ProcessState.STOPPED : process.state();
            JsonObject entry = new JsonObject()
                    .put("id", model.id())
                    .put("name", model.name())
                    .put("description", model.description())
                    .put("state", state.apiName())
                    .put("unlisted", model.unlisted())
                    .put("aliases", new JsonArray(model.aliases()));
            if (state == ProcessState.STARTING) {
                loadTimes.estimate(model.id(), java.time.Instant.now()).ifPresent(estimate -> entry
                        .put("progress", Math.round(estimate.fraction() * 100) / 100.0)
                        .put("eta", estimate.secondsLeft()));
            }
            models.add(entry);
        }
        return models;
    }
}
