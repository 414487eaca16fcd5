package io.modelswap.websocket;

import io.modelswap.accesslog.AccessLog;
import io.modelswap.accesslog.Arrival;
import io.modelswap.backend.Acquisition;
import io.modelswap.backend.ModelBackend;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.config.AccessKey;
import io.modelswap.http.FailureAnswer;
import io.modelswap.http.OpenAiError;
import io.modelswap.metrics.RequestTracker;
import io.modelswap.metrics.WebSocketTrack;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Websocket upgrades to a model (ComfyUI's {@code /ws}, realtime audio UIs), as llama-swap's reverse proxy passes
 * them: the model is acquired like any request (it starts if needed and counts as in flight, so neither a swap nor
 * its TTL stops it, while the connection is open), the upstream's handshake is made first, and only when it accepts
 * is the client's connection upgraded; then {@link WebSocketRelay} joins the two. A model with
 * {@code compat.ignoreWebsockets} is not acquired: its websockets are refused with 409 while it is not ready, and go
 * straight to it otherwise.
 */
@ApplicationScoped
public class WebSocketProxy {

    private static final Logger LOG = Logger.getLogger(WebSocketProxy.class);

    /**
     * Largest frame relayed, each way. Frames are relayed one by one, never gathered into messages, so this bounds the
     * memory one connection holds; ComfyUI's preview images are single binary frames of a few MB.
     */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    /** The client's handshake headers, made anew for the upstream's handshake; and hop-by-hop headers. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "upgrade", "host", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept", "sec-websocket-protocol",
            "keep-alive", "te", "trailer", "transfer-encoding", "proxy-authorization", "proxy-connection",
            "content-length");

    private final Vertx vertx;
    private final RequestTracker tracker;
    private volatile WebSocketClient client;

    public WebSocketProxy(Vertx vertx, RequestTracker tracker) {
        this.vertx = vertx;
        this.tracker = tracker;
    }

    /** Whether {@code request} asks to become a websocket (a GET with {@code Upgrade: websocket}). */
    public static boolean isUpgrade(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET) {
            return false;
        }
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /** Upgrades the (paused) request and relays it to {@code model} at {@code uri}. Call on the request's context. */
    public void proxy(RoutingContext rc, ServedModel model, String uri) {
        ModelBackend backend = model.backend();
        HttpServerResponse response = rc.response();
        Context http = vertx.getOrCreateContext();
        if (backend.ignoresWebsockets(model)) {
            Optional<Upstream> upstream = backend.readyUpstream(model);
            if (upstream.isEmpty()) {
                OpenAiError.send(response, 409, "model " + model.id() + " is not loaded; ignored websocket"
                        + " requests cannot start it (compat.ignoreWebsockets)");
                return;
            }
            connect(rc, upstream.get(), uri, () -> {
            }, null);
            return;
        }
        AccessKey key = rc.get(AccessKey.CONTEXT_KEY);
        Acquisition acquisition = model.acquire(key == null ? 0 : key.priority());
        // followed like a request: in flight while open, then an activity row and an access line
        WebSocketTrack track = tracker.beginWebSocket(rc, acquisition);
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                acquisition.cancel(); // withdraws the request, or releases its lease once taken
                track.end();
            }
        };
        response.closeHandler(v -> release.run());
        track.onCancel(() -> {
            if (!response.closed() && !track.isUpgradedToClient()) {
                response.reset();
            }
            release.run();
        });
        acquisition.lease().onComplete(leased -> http.runOnContext(v -> {
            if (leased.failed()) {
                release.run();
                FailureAnswer answer = FailureAnswer.of(leased.cause());
                tracker.failed(response, answer);
                answer.send(response);
                return;
            }
            if (response.closed()) {
                release.run();
                return;
            }
            connect(rc, leased.result().upstream(), uri, release, track);
        }));
    }

    /** {@code track}: the websocket's tracking, null for one that {@code ignoreWebsockets} leaves out. */
    private void connect(RoutingContext rc, Upstream target, String uri, Runnable release, WebSocketTrack track) {
        HttpServerRequest request = rc.request();
        Context http = vertx.getOrCreateContext();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(target.host())
                .setPort(target.port())
                .setSsl("https".equalsIgnoreCase(target.base().getScheme()))
                .setURI(joinPath(target.base().getRawPath(), uri))
                .setHeaders(headers(request.headers(), target));
        if (target.timeouts().connect() > 0) {
            options.setConnectTimeout(target.timeouts().connect() * 1000L);
        }
        client().connect(options).onComplete(connected -> {
            if (connected.succeeded()) {
                // held until the relay reads it: what the upstream says first (a greeting) must not be dropped
                connected.result().pause();
            }
            http.runOnContext(v -> upgrade(rc, target, connected, release, track));
        });
    }

    private void upgrade(RoutingContext rc, Upstream target, AsyncResult<WebSocket> connected,
            Runnable release, WebSocketTrack track) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        if (connected.failed()) {
            release.run();
            Throwable cause = connected.cause();
            if (cause instanceof UpgradeRejectedException rejected) {
                OpenAiError.send(response, rejected.getStatus() >= 400 ? rejected.getStatus() : 502, "["
                        + target.model() + "] the upstream refused the websocket upgrade with status "
                        + rejected.getStatus());
            } else {
                OpenAiError.send(response, 502, "[" + target.model() + "] upstream not reachable at "
                        + target.address() + " for a websocket: " + cause.getMessage());
            }
            return;
        }
        WebSocket upstream = connected.result();
        if (response.closed()) {
            upstream.close();
            release.run();
            return;
        }
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                LOG.debugf("[%s] the client's websocket upgrade failed: %s", target.model(),
                        upgraded.cause().getMessage());
                upstream.close();
                release.run();
                return;
            }
            if (track == null) {
                relayUntracked(rc, target, upgraded.result(), upstream, release);
                return;
            }
            track.upgraded();
            WebSocketRelay relay = WebSocketRelay.start(target.model(), upgraded.result(), upstream, release,
                    track::fromClient, track::toClient);
            track.onCancel(() -> relay.close("cancelled through the API"));
        });
    }

    /**
     * A websocket that {@code ignoreWebsockets} keeps out of activity and in-flight counts: only its access line is
     * written, when it closes, with the bytes it sent the client.
     */
    private static void relayUntracked(RoutingContext rc, Upstream target, WebSocketBase client, WebSocket upstream,
            Runnable release) {
        Arrival arrival = Arrival.claim(rc);
        AtomicLong toClient = new AtomicLong();
        WebSocketRelay.start(target.model(), client, upstream, () -> {
            release.run();
            if (arrival != null) {
                AccessLog.write(rc.request(), arrival.path(), target.model(), 101, toClient.get(),
                        arrival.elapsedNanos());
            }
        }, bytes -> { }, toClient::addAndGet);
    }

    /** The client's headers for the upstream's handshake, less the handshake's own, with the upstream's rules. */
    private static MultiMap headers(MultiMap incoming, Upstream target) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        incoming.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !target.removeHeaders().contains(lower)) {
                headers.add(name, value);
            }
        });
        target.setHeaders().forEach(headers::set);
        return headers;
    }

    private static String joinPath(String basePath, String path) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return path;
        }
        return (basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath) + path;
    }

    private WebSocketClient client() {
        WebSocketClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createWebSocketClient(new WebSocketClientOptions()
                            .setMaxFrameSize(MAX_FRAME_BYTES)
                            .setMaxMessageSize(MAX_FRAME_BYTES)
                            .setTryUsePerMessageCompression(false)
                            .setName("modelswap-websocket"));
                }
                current = client;
            }
        }
        return current;
    }

    void close(@Observes ShutdownEvent event) {
        WebSocketClient current = client;
        if (current != null) {
            current.close();
        }
    }
}
