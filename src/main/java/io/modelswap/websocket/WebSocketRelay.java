package io.modelswap.websocket;

import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Two open websockets joined: every data frame one side sends is written to the other as it is (text stays text,
 * fragments stay fragments), each direction with back-pressure (a side whose peer cannot keep up is not read until
 * the peer drains), and the two close together: the first side to close, or to fail, closes the other with the same
 * status and reason. Control frames stay local: each end answers pings itself.
 */
final class WebSocketRelay {

    private static final Logger LOG = Logger.getLogger(WebSocketRelay.class);

    /** Status for a side that failed or dropped its connection without a closing handshake: "internal error". */
    static final short UNEXPECTED_CONDITION = 1011;
    /** Status of a connection the server ends: "going away". */
    private static final short GOING_AWAY = 1001;
    /** What a side reports when its peer dropped the connection without a closing handshake. */
    private static final short ABNORMAL = 1006;

    private final String model;
    private final WebSocketBase client;
    private final WebSocketBase upstream;
    private final Runnable onClosed;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebSocketRelay(String model, WebSocketBase client, WebSocketBase upstream, Runnable onClosed) {
        this.model = model;
        this.client = client;
        this.upstream = upstream;
        this.onClosed = onClosed;
    }

    /**
     * Relays between {@code client} and {@code upstream} until either closes; {@code onClosed} runs once, when the
     * first one does. Call on the client connection's context.
     */
    static WebSocketRelay start(String model, WebSocketBase client, WebSocketBase upstream, Runnable onClosed) {
        return start(model, client, upstream, onClosed, bytes -> { }, bytes -> { });
    }

    /**
     * As {@link #start(String, WebSocketBase, WebSocketBase, Runnable)}, telling {@code fromClient} and
     * {@code toClient} the payload bytes of each data frame relayed that way.
     */
    static WebSocketRelay start(String model, WebSocketBase client, WebSocketBase upstream, Runnable onClosed,
            LongConsumer fromClient, LongConsumer toClient) {
        WebSocketRelay relay = new WebSocketRelay(model, client, upstream, onClosed);
        relay.pipe(client, upstream, fromClient);
        relay.pipe(upstream, client, toClient);
        client.closeHandler(v -> relay.closedBy(client, upstream));
        upstream.closeHandler(v -> relay.closedBy(upstream, client));
        client.exceptionHandler(e -> relay.failed("client", e));
        upstream.exceptionHandler(e -> relay.failed("upstream", e));
        upstream.resume(); // paused since its handshake, so that nothing it sent first was lost
        return relay;
    }

    /** Closes both sides ("going away", with {@code reason}), as a cancel through the API asks. */
    void close(String reason) {
        finish(client, GOING_AWAY, reason);
        finish(upstream, GOING_AWAY, reason);
    }

    private void pipe(WebSocketBase from, WebSocketBase to, LongConsumer relayed) {
        from.frameHandler(frame -> {
            if (!isData(frame) || to.isClosed()) {
                return;
            }
            relayed.accept(frame.binaryData().length());
            to.writeFrame(frame);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(drained -> from.resume());
            }
        });
    }

    private static boolean isData(WebSocketFrame frame) {
        return frame.isText() || frame.isBinary() || frame.isContinuation();
    }

    private void closedBy(WebSocketBase first, WebSocketBase other) {
        Short status = first.closeStatusCode();
        String reason = first.closeReason();
        if (sendable(status)) {
            finish(other, status, reason);
        } else if (status != null && status == ABNORMAL) {
            finish(other, UNEXPECTED_CONDITION, "the other side's connection dropped");
        } else {
            finish(other, null, null);
        }
    }

    private void failed(String side, Throwable failure) {
        LOG.debugf("[%s] websocket %s side failed: %s", model, side, failure.toString());
        finish(client, UNEXPECTED_CONDITION, side + " connection failed");
        finish(upstream, UNEXPECTED_CONDITION, side + " connection failed");
    }

    private void finish(WebSocketBase other, Short status, String reason) {
        if (!other.isClosed()) {
            if (status == null) {
                other.close();
            } else {
                other.close(status, reason == null ? null : reason);
            }
        }
        if (closed.compareAndSet(false, true)) {
            onClosed.run();
        }
    }

    /**
     * Whether a close status may be sent on: 1005 (none given), 1006 (dropped without a handshake) and 1015 (TLS
     * failure) are only ever reported, never sent (RFC 6455 7.4.1); a drop becomes 1011 on the other side.
     */
    static boolean sendable(Short status) {
        if (status == null) {
            return false;
        }
        int code = status;
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
