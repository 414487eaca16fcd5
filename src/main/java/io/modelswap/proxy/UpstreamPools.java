package io.modelswap.proxy;

import io.modelswap.config.UpstreamTimeouts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients requests reach their upstreams through, pooled so that a model's connections are never fewer than
 * its {@code concurrencyLimit}: admission control is the scheduler's job, and a stream holds its connection for its
 * whole length, so a smaller pool would queue admitted requests inside modelswap where nobody sees them (1,000 vLLM
 * streams once waited up to 30 s for one of 64 connections).
 * <p>
 * Vert.x sizes a pool per client and allocates it to its maximum, so there is one client per size class, a power of
 * two at least {@link #SMALLEST}: a model gets the smallest class above its limit plus {@link #HEADROOM}. A handful
 * of classes at most ever exist (a limit of 1,000,000 is class 2^20), whatever reloads do to the limits.
 */
final class UpstreamPools {

    /** The smallest pool: llama-swap's default concurrencyLimit of 10 plus headroom. */
    static final int SMALLEST = 16;
    /**
     * Connections beyond the limit: one being retried ({@code requestWithOneRetry}) or one still closing after its
     * client went away must not make the next admitted request wait.
     */
    static final int HEADROOM = 4;

    private final Vertx vertx;
    private final Map<Integer, HttpClient> clients = new ConcurrentHashMap<>();

    UpstreamPools(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The client whose pool holds at least {@code concurrencyLimit} connections per upstream ({@code <= 0}: 10). */
    HttpClient forLimit(int concurrencyLimit) {
        return clients.computeIfAbsent(sizeFor(concurrencyLimit), this::create);
    }

    /** The pool size for a model with this limit: the next power of two at or above limit + headroom, min 16. */
    static int sizeFor(int concurrencyLimit) {
        long wanted = Math.max(SMALLEST, (long) Math.max(0, concurrencyLimit) + HEADROOM);
        long size = Long.highestOneBit(wanted - 1) << 1;
        return (int) Math.min(size, 1 << 30);
    }

    private HttpClient create(int size) {
        return vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(UpstreamTimeouts.DEFAULTS.idleConn())
                        .setTcpNoDelay(true)
                        .setName("modelswap-upstream-" + size),
                // the wait queue is unbounded, but only admitted requests reach it and the pool is never smaller
                new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(-1));
    }

    void close() {
        for (HttpClient client : List.copyOf(clients.values())) {
            client.close();
        }
        clients.clear();
    }
}
