package io.modelswap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelswap.accesslog.AccessLog;
import io.modelswap.accesslog.Arrival;
import io.modelswap.backend.Acquisition;
import io.modelswap.http.FailureAnswer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Follows each proxied request from the moment its model is known to the end of its response: queue depth and wait,
 * in-flight count, requests by model and status, the activity row with the tokens the upstream reported, and the
 * {@link LiveRequest} that the {@link RequestObserver}s (in-flight list, captures) see. Hooks: {@link #begin} when
 * the proxy acquires the request's model, {@link #tap} when the upstream's answer starts streaming back, and
 * {@link #failed} when modelswap answers (or cuts) the request with an error of its own.
 */
@ApplicationScoped
public class RequestTracker {

    private static final Logger LOG = Logger.getLogger(RequestTracker.class);

    /** Buckets of the queue-wait histogram: from the fast path (no wait) to a long swap. */
    static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120), Duration.ofSeconds(300)};

    /**
     * nginx's "client closed request" (llama-swap records it too, #1040): the status of a request whose client went
     * away (or that was cancelled) before its response was complete.
     */
    public static final int CLIENT_CLOSED = 499;

    private final MeterRegistry registry;
    private final ActivityLog activity;
    private final Vertx vertx;
    private final List<RequestObserver> observers;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, ModelGauges> gauges = new ConcurrentHashMap<>();
    /** Requests between {@link #begin} and the end of their response, by their response object. */
    private final Map<HttpServerResponse, Tracked> tracked = new ConcurrentHashMap<>();

    public RequestTracker(MeterRegistry registry, ActivityLog activity, Vertx vertx,
            @Any Instance<RequestObserver> observers) {
        this.registry = registry;
        this.activity = activity;
        this.vertx = vertx;
        this.observers = observers.stream().toList();
    }

    /**
     * A model's meters, looked up once: {@code modelswap.requests} by status label too, since building a meter's id
     * from its tags and finding it in the registry for every request cost more than the count itself. Bounded: the
     * status labels are the 500 three-digit codes and {@code aborted}.
     */
    private record ModelGauges(AtomicInteger queued, AtomicInteger inFlight, Timer queueWait,
            Map<String, Counter> requestsByStatus) {
    }

    /** One request's progress; its fields are guarded by its own monitor (grant and end race). */
    private final class Tracked {
        final LiveRequest live;
        final long submittedNanos = System.nanoTime();
        final ModelGauges g;
        /** The request's access line, taken over from the catch-all route; null when it is not logged. */
        Arrival arrival;
        HttpServerRequest request;
        /** Set for a websocket: its byte counts go into the row. */
        WebSocketTrack websocket;
        boolean granted;
        boolean ended;
        UsageScanner scanner;
        String contentType = "";
        /** Set by {@link #failed}: the status and message of modelswap's own error answer. */
        int failedStatus;
        String failedMessage;
        /** The activity row, once recorded: just before the answer's last bytes go out, or at the end. */
        ActivityLog.Entry row;

        Tracked(LiveRequest live) {
            this.live = live;
            this.g = gaugesOf(live.model());
        }

        synchronized void onGrant(boolean ok) {
            g.queued.decrementAndGet();
            g.queueWait.record(Duration.ofNanos(System.nanoTime() - submittedNanos));
            if (ok && !ended) {
                granted = true;
                g.inFlight.incrementAndGet();
            }
        }

        void onEnd(HttpServerResponse response) {
            onEnd(response, response.ended() ? response.getStatusCode() : 0, response.bytesWritten());
        }

        /** {@code sent}: the status the client got, 0 when none; {@code bytes}: the body bytes it got. */
        void onEnd(HttpServerResponse response, int sent, long bytes) {
            ActivityLog.Entry recorded;
            synchronized (this) {
                ended = true;
                if (granted) {
                    granted = false;
                    g.inFlight.decrementAndGet();
                }
                if (gauges.get(live.model()) == g) {
                    // not for a model a reload removed meanwhile: its series are gone and must not come back
                    g.requestsByStatus.computeIfAbsent(statusLabel(failedStatus > 0 ? failedStatus : sent),
                            label -> Counter.builder("modelswap.requests")
                                    .description("Proxied requests by model and response status")
                                    .tag("model", live.model()).tag("status", label)
                                    .register(registry))
                            .increment();
                }
                recorded = recordRow(sent);
                if (arrival != null) {
                    AccessLog.write(request, arrival.path(), live.model(), accessStatus(response, sent), bytes,
                            arrival.elapsedNanos());
                }
            }
            for (RequestObserver observer : observers) {
                try {
                    observer.ended(live, recorded);
                } catch (RuntimeException e) {
                    LOG.debugf(e, "request observer %s failed", observer);
                }
            }
            live.releaseCopies();
            activity.announce(recorded);
        }

        /** Records the activity row once; {@code sent} is the status the client gets, 0 when it got none. */
        synchronized ActivityLog.Entry recordRow(int sent) {
            if (row == null) {
                Tokens tokens = scanner == null ? Tokens.NONE : scanner.finish();
                int status = failedStatus > 0 ? failedStatus : sent > 0 ? sent : CLIENT_CLOSED;
                row = activity.record(live.arrived(), live.model(), live.path(), contentType, status,
                        Duration.ofNanos(System.nanoTime() - submittedNanos).toMillis(), tokens,
                        errorMessage(status, sent), live.servedBy(), live.requested(), websocket == null ? null
                                : new ActivityLog.WebSocketBytes(websocket.fromClient(), websocket.toClient()));
            }
            return row;
        }

        /**
         * The status the client saw, for the access line: the one it got; for an answer that broke off after its
         * head went out (the upstream cut it), that head's; 499 when the client hung up or it was cancelled. Unlike
         * the activity row, which files a broken answer under modelswap's own 502.
         */
        private int accessStatus(HttpServerResponse response, int sent) {
            if (sent > 0) {
                return sent;
            }
            if (failedStatus > 0) {
                return response.headWritten() ? response.getStatusCode() : failedStatus;
            }
            return CLIENT_CLOSED;
        }

        /** What went wrong, for the activity row; null for a success. */
        private String errorMessage(int status, int sent) {
            if (failedMessage != null) {
                return failedMessage;
            }
            if (sent == 0) {
                return live.cancelledBy() != null ? "cancelled through the API by " + live.cancelledBy()
                        : "client closed the connection before the response was complete";
            }
            if (status >= 400) {
                String fromBody = scanner == null ? null : scanner.errorMessage();
                return fromBody != null ? fromBody : status + " " + live.response().getStatusMessage();
            }
            return null;
        }
    }

    /**
     * The proxy has asked a backend for the request's model ({@code acquisition}); {@code body} is the request body it
     * read, or null when the body is piped through. Call once per request, from its HTTP context. Returns the live
     * request, on which the proxy sets what a cancel does ({@link LiveRequest#onCancel}).
     */
    public LiveRequest begin(RoutingContext rc, Acquisition acquisition, Buffer body, String requested) {
        Tracked t = start(rc, acquisition, body, requested, null);
        HttpServerResponse response = rc.response();
        rc.addEndHandler(ar -> {
            tracked.remove(response);
            t.onEnd(response);
        });
        announce(t.live);
        return t.live;
    }

    /**
     * The proxy has asked a backend for the model of a websocket ({@code acquisition}): it is followed like a request
     * until {@link WebSocketTrack#end}, which the proxy calls once the websocket is over (not at the end of the HTTP
     * exchange, which an upgrade leaves open). Call once, from its HTTP context.
     */
    public WebSocketTrack beginWebSocket(RoutingContext rc, Acquisition acquisition) {
        WebSocketTrack track = new WebSocketTrack();
        Tracked t = start(rc, acquisition, null, null, track);
        HttpServerResponse response = rc.response();
        io.vertx.core.Context context = vertx.getOrCreateContext();
        track.onEnd(() -> context.runOnContext(v -> {
            tracked.remove(response);
            if (track.isUpgradedToClient()) {
                t.onEnd(response, 101, track.toClient());
            } else {
                t.onEnd(response);
            }
        }));
        t.live.websocket(track);
        t.live.onCancel(() -> track.canceller().run());
        announce(t.live);
        return track;
    }

    private void announce(LiveRequest live) {
        for (RequestObserver observer : observers) {
            try {
                observer.begun(live);
            } catch (RuntimeException e) {
                LOG.debugf(e, "request observer %s failed", observer);
            }
        }
    }

    private Tracked start(RoutingContext rc, Acquisition acquisition, Buffer body, String requested,
            WebSocketTrack websocket) {
        String model = acquisition.model().id();
        LiveRequest live = new LiveRequest(ids.incrementAndGet(), model, requested, rc.request(), body,
                vertx.getOrCreateContext());
        Tracked t = new Tracked(live);
        t.arrival = Arrival.claim(rc);
        t.request = rc.request();
        t.websocket = websocket;
        t.g.queued.incrementAndGet();
        HttpServerResponse response = rc.response();
        tracked.put(response, t);
        acquisition.onQueuePosition(position -> {
            live.queuePosition(position);
            changed(live);
        });
        acquisition.lease().onComplete(ar -> {
            t.onGrant(ar.succeeded());
            if (ar.succeeded()) {
                live.granted();
                changed(live);
            }
        });
        return t;
    }

    /**
     * The upstream's answer to the request of {@code response} is about to be piped back: returns the stream to pipe,
     * which reports the tokens and bytes it sees on the way. Returns {@code upstream} itself for requests not tracked.
     */
    public ReadStream<Buffer> tap(HttpServerResponse response, HttpClientResponse upstream) {
        Tracked t = tracked.get(response);
        if (t == null) {
            return upstream;
        }
        String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        UsageScanner scanner = UsageScanner.forResponse(type, upstream.getHeader(HttpHeaders.CONTENT_LENGTH));
        synchronized (t) {
            t.contentType = type == null ? "" : type;
            t.scanner = scanner;
        }
        t.live.answered(upstream.headers());
        changed(t.live);
        return new TappedStream(upstream, chunk -> {
            if (scanner != null) {
                scanner.accept(chunk);
            }
            t.live.copyChunk(chunk);
            changed(t.live);
        });
    }

    /**
     * The answer to the request of {@code response} is complete and its last bytes are about to be written: its
     * activity row is recorded now, so a client that has its answer finds its row, and one client's requests are
     * numbered in the order it got their answers.
     */
    public void completing(HttpServerResponse response) {
        Tracked t = tracked.get(response);
        if (t != null) {
            t.recordRow(response.getStatusCode());
        }
    }

    /**
     * modelswap answers the request of {@code response} with an error of its own (a refusal of the router, an
     * unreachable upstream, an answer that broke off): {@code status} and {@code message} go into its activity row.
     * A {@code status} of 0 keeps the status the response carries.
     */
    public void failed(HttpServerResponse response, int status, String message) {
        Tracked t = tracked.get(response);
        if (t != null) {
            synchronized (t) {
                if (t.failedMessage == null) {
                    t.failedStatus = status;
                    t.failedMessage = message;
                }
            }
        }
    }

    /**
     * modelswap answers the request of {@code response} with {@code answer}, a request it did not serve. One whose
     * client went away keeps no status of its own: it is counted as {@code aborted} and shown as 499.
     */
    public void failed(HttpServerResponse response, FailureAnswer answer) {
        failed(response, answer.reachesClient() ? answer.status() : 0, answer.message());
    }

    /** Registers the per-model gauges of {@code model} so that they read 0 before its first request. */
    public void registerModel(String model) {
        gaugesOf(model);
    }

    /**
     * Forgets the per-model gauges of {@code model}, which a reload removed; the caller removes its meters from the
     * registry. Requests still under way for it keep counting into the forgotten gauges.
     */
    public void forgetModel(String model) {
        gauges.remove(model);
    }

    private void changed(LiveRequest live) {
        for (RequestObserver observer : observers) {
            try {
                observer.changed(live);
            } catch (RuntimeException e) {
                LOG.debugf(e, "request observer %s failed", observer);
            }
        }
    }

    private ModelGauges gaugesOf(String model) {
        return gauges.computeIfAbsent(model, m -> {
            AtomicInteger queued = new AtomicInteger();
            AtomicInteger inFlight = new AtomicInteger();
            Gauge.builder("modelswap.queue.depth", queued, AtomicInteger::get)
                    .description("Requests waiting for their model to be granted").tag("model", m).register(registry);
            Gauge.builder("modelswap.requests.in.flight", inFlight, AtomicInteger::get)
                    .description("Requests being served by their model's upstream").tag("model", m).register(registry);
            Timer wait = Timer.builder("modelswap.queue.wait").description("Time from arrival to grant")
                    .tag("model", m).serviceLevelObjectives(WAIT_BUCKETS).register(registry);
            return new ModelGauges(queued, inFlight, wait, new ConcurrentHashMap<>());
        });
    }

    /** The status as a label: a three-digit code, or {@code aborted} when the client went away unanswered. */
    static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? STATUS_LABELS[status - 100] : "aborted";
    }

    private static final String[] STATUS_LABELS = new String[500];

    static {
        for (int i = 0; i < STATUS_LABELS.length; i++) {
            STATUS_LABELS[i] = Integer.toString(i + 100);
        }
    }
}
