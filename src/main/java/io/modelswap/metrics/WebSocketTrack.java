package io.modelswap.metrics;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A websocket through a model, followed like a request ({@link RequestTracker#beginWebSocket}): in flight while it is
 * open, an activity row (status 101, duration, bytes each way) and an access line once it is over. Its proxy counts
 * the data frames' payload bytes each way, says when the client's connection was upgraded, and calls {@link #end}
 * once it is over, however it ended (every call after the first is ignored).
 */
public final class WebSocketTrack {

    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean upgraded;
    private volatile Runnable onEnd = () -> { };
    private volatile Runnable canceller = () -> { };

    WebSocketTrack() {
    }

    void onEnd(Runnable onEnd) {
        this.onEnd = onEnd;
    }

    /** Sets what an in-flight cancel does (closes both sides). */
    public void onCancel(Runnable canceller) {
        this.canceller = canceller;
    }

    Runnable canceller() {
        return canceller;
    }

    /** The client's connection became a websocket: the client saw 101. */
    public void upgraded() {
        upgraded = true;
    }

    /** Whether the client's connection is a websocket now (an HTTP answer can no longer be sent on it). */
    public boolean isUpgradedToClient() {
        return upgraded;
    }

    public void fromClient(long bytes) {
        fromClient.addAndGet(bytes);
    }

    public void toClient(long bytes) {
        toClient.addAndGet(bytes);
    }

    long fromClient() {
        return fromClient.get();
    }

    long toClient() {
        return toClient.get();
    }

    boolean isEnded() {
        return ended.get();
    }

    /**
     * The websocket is over: closed by either side, refused, or its client gone before the upgrade. Its row is
     * recorded after the handler that calls this, on the request's context, so that an error answer sent right after
     * counts as what the client got.
     */
    public void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }
}
