package io.modelswap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelswap.router.PendingRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows each proxied request from the moment its model is known to the end of its response: queue depth and wait,
 * in-flight count, requests by model and status, and the activity row with the tokens the upstream reported. Two
 * hooks feed it: {@link #begin} when the proxy submits a request to the router, {@link #tap} when the upstream's
 * answer starts streaming back.
 */
@ApplicationScoped
public class RequestTracker {

    /** Buckets of the queue-wait histogram: from the fast path (no wait) to a long swap. */
    static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120), Duration.ofSeconds(300)};

    /** The status recorded for an answer the upstream broke off (a bad gateway, seen after the fact). */
    static final int BROKEN_BY_UPSTREAM = 502;

    private final MeterRegistry registry;
    private final ActivityLog activity;
    private final Map<String, ModelGauges> gauges = new ConcurrentHashMap<>();
    /** Requests between {@link #begin} and the end of their response, by their response object. */
    private final Map<HttpServerResponse, Tracked> tracked = new ConcurrentHashMap<>();

    public RequestTracker(MeterRegistry registry, ActivityLog activity) {
        this.registry = registry;
        this.activity = activity;
    }

    private record ModelGauges(AtomicInteger queued, AtomicInteger inFlight, Timer queueWait) {
    }

    /** One request's progress; its fields are guarded by its own monitor (grant and end race). */
    private final class Tracked {
        final String model;
        final String path;
        final Instant arrived = Instant.now();
        final long submittedNanos = System.nanoTime();
        final ModelGauges g;
        boolean granted;
        boolean ended;
        /** The upstream broke its answer off and the client's connection was cut: a 502, whatever was sent. */
        boolean brokenByUpstream;
        UsageScanner scanner;
        String contentType = "";

        Tracked(String model, String path) {
            this.model = model;
            this.path = path;
            this.g = gaugesOf(model);
        }

        synchronized void onGrant(boolean ok) {
            g.queued.decrementAndGet();
            g.queueWait.record(Duration.ofNanos(System.nanoTime() - submittedNanos));
            if (ok && !ended) {
                granted = true;
                g.inFlight.incrementAndGet();
            }
        }

        synchronized void onEnd(HttpServerResponse response) {
            ended = true;
            if (granted) {
                granted = false;
                g.inFlight.decrementAndGet();
            }
            int status = brokenByUpstream ? BROKEN_BY_UPSTREAM : response.ended() ? response.getStatusCode() : 0;
            if (gauges.get(model) == g) {
                // not for a model a reload removed meanwhile: its series are gone and must not come back
                Counter.builder("modelswap.requests").description("Proxied requests by model and response status")
                        .tag("model", model).tag("status", statusLabel(status)).register(registry).increment();
            }
            Tokens tokens = scanner == null ? Tokens.NONE : scanner.finish();
            activity.add(arrived, model, path, contentType, status,
                    Duration.ofNanos(System.nanoTime() - submittedNanos).toMillis(), tokens);
        }
    }

    /**
     * The proxy has submitted a request for {@code model} (a configured model ID) to the router. Call once per
     * submitted request, from its HTTP context.
     */
    public void begin(RoutingContext rc, String model, PendingRequest pending) {
        Tracked t = new Tracked(model, rc.request().path());
        t.g.queued.incrementAndGet();
        HttpServerResponse response = rc.response();
        tracked.put(response, t);
        pending.grant().onComplete(ar -> t.onGrant(ar.succeeded()));
        rc.addEndHandler(ar -> {
            tracked.remove(response);
            t.onEnd(response);
        });
    }

    /**
     * The upstream's answer to the request of {@code response} is about to be piped back: returns the stream to pipe,
     * which reports the tokens it sees on the way. Returns {@code upstream} itself for requests not tracked.
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
        return scanner == null ? upstream : new TappedStream(upstream, scanner);
    }

    /**
     * The upstream broke off its answer to the request of {@code response} (it crashed or closed the connection) and
     * the client's connection is being cut: the request counts as a {@value #BROKEN_BY_UPSTREAM}, not as the 200 its
     * status line said.
     */
    public void brokenByUpstream(HttpServerResponse response) {
        Tracked t = tracked.get(response);
        if (t != null) {
            synchronized (t) {
                t.brokenByUpstream = true;
            }
        }
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
            return new ModelGauges(queued, inFlight, wait);
        });
    }

    /** The status as a label: a three-digit code, or {@code aborted} when the client went away unanswered. */
    static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "aborted";
    }

    /** A read stream that shows every chunk to a {@link UsageScanner} on its way through. */
    private static final class TappedStream implements ReadStream<Buffer> {
        private final ReadStream<Buffer> source;
        private final UsageScanner scanner;

        TappedStream(ReadStream<Buffer> source, UsageScanner scanner) {
            this.source = source;
            this.scanner = scanner;
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
            source.exceptionHandler(handler);
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> handler) {
            if (handler == null) {
                source.handler(null);
            } else {
                source.handler(chunk -> {
                    scanner.accept(chunk);
                    handler.handle(chunk);
                });
            }
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            source.pause();
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            source.resume();
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            source.fetch(amount);
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> endHandler) {
            source.endHandler(endHandler);
            return this;
        }
    }
}
