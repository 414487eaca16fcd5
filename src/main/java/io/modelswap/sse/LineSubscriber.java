package io.modelswap.sse;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client of a live stream ({@code /logs/stream...}, {@code /api/events}). Producers call {@link #send} from any
 * thread and never wait: the text is written on the connection's own context, and a client that does not keep up
 * (its write queue is full, or too many writes are waiting) is dropped and its connection closed rather than
 * buffered for. Everything it subscribed to is unsubscribed when it is dropped or the client goes away.
 */
public final class LineSubscriber {

    /** Writes allowed to wait for the connection's context before the client counts as too slow. */
    public static final int MAX_PENDING_WRITES = 4096;

    private final HttpServerResponse response;
    private final Context context;
    private final List<Runnable> unsubscribes = new CopyOnWriteArrayList<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    /** Call on the connection's context; sets the response's close handler. */
    public LineSubscriber(HttpServerResponse response) {
        this.response = response;
        this.context = Vertx.currentContext();
        response.closeHandler(v -> close());
    }

    /** Registers what undoes a subscription; run at once if the subscriber is already gone. */
    public void onClose(Runnable unsubscribe) {
        unsubscribes.add(unsubscribe);
        if (closed) {
            close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Queues {@code text} for the client. Throws {@link IllegalStateException} once the subscriber is gone, which
     * also makes a {@link io.modelswap.process.LogRing} drop it as a listener.
     */
    public void send(String text) {
        if (closed) {
            throw new IllegalStateException("subscriber gone");
        }
        if (pending.incrementAndGet() > MAX_PENDING_WRITES) {
            context.runOnContext(v -> drop());
            return;
        }
        context.runOnContext(v -> {
            pending.decrementAndGet();
            if (closed) {
                return;
            }
            if (response.writeQueueFull()) {
                drop();
                return;
            }
            response.write(text);
        });
    }

    /** Ends the response with {@code last}, after everything sent before it; nothing is sent after. */
    public void end(String last) {
        if (closed) {
            return;
        }
        context.runOnContext(v -> {
            if (!closed) {
                closed = true;
                close();
                response.end(last);
            }
        });
    }

    /** The client is too slow: stop feeding it and close its connection. */
    private void drop() {
        if (!closed) {
            close();
            response.reset();
        }
    }

    private void close() {
        closed = true;
        for (Runnable unsubscribe : unsubscribes) {
            unsubscribes.remove(unsubscribe);
            unsubscribe.run();
        }
    }
}
