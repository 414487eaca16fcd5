package io.modelswap.accesslog;

import io.vertx.ext.web.RoutingContext;

/**
 * When and where a request arrived, kept on its routing context for the one that writes its access line: the
 * catch-all {@link AccessLogRoute}, or whoever serves a model with it and {@link #claim}s it.
 */
public final class Arrival {

    static final String KEY = "modelswap.accesslog.arrival";
    /** nginx's "client closed request", as llama-swap records it (#1040). */
    public static final int CLIENT_CLOSED = 499;

    private final String path;
    private final long startNanos;
    /** Set once a model's request tracker took the line over; read by the route's end handler on the same context. */
    volatile boolean served;

    Arrival(String path, long startNanos) {
        this.path = path;
        this.startNanos = startNanos;
    }

    /**
     * Takes over the access line of {@code rc}'s request: its writer will call {@link AccessLog#write} itself, with
     * the model and the status it knows. Returns null when the request is not logged (a skipped path, or the log off).
     */
    public static Arrival claim(RoutingContext rc) {
        Arrival arrival = rc.get(KEY);
        if (arrival != null) {
            arrival.served = true;
        }
        return arrival;
    }

    /** The path as it arrived, before {@code /upstream/} rewrote it. */
    public String path() {
        return path;
    }

    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }
}
