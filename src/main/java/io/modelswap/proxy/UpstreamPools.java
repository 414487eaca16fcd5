package io.modelswap.proxy;

import io.modelswap.backend.Upstream;
import io.modelswap.config.UpstreamTimeouts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.jboss.logging.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP clients requests reach their upstreams through, pooled so that a model's connections are never fewer than
 * its {@code concurrencyLimit}: admission control is the scheduler's job, and a stream holds its connection for its
 * whole length, so a smaller pool would queue admitted requests inside modelswap where nobody sees them (1,000 vLLM
 * streams once waited up to 30 s for one of 64 connections).
 * <p>
 * Vert.x sizes a pool per client and allocates it to its maximum, so there is one client per size class, a power of
 * two at least {@link #SMALLEST}: a model gets the smallest class above its limit plus {@link #HEADROOM}. The
 * options Vert.x only takes per client (TLS, TLS handshake timeout, idle connection timeout, TCP keep-alive) are part
 * of the key too ({@link Key}), so models with other {@code timeouts} get other clients. So is the event loop asking:
 * Vert.x opens a connection on the event loop of whoever asked first and later hands it to any asker, passing every
 * read back across threads, so one shared client cost each request up to four thread hand-offs; with a client per
 * event loop, a request, its upstream connection and its answer stay on one thread (docs/benchmarks.md). Keys come
 * from the configuration and the fixed set of event loops, so a handful of clients exist; a client that no exchange
 * used for {@link #UNUSED_MILLIS} and that none is using now is closed by {@link #sweep}, so the clients of a
 * configuration that a reload replaced go away.
 */
final class UpstreamPools {

    private static final Logger LOG = Logger.getLogger(UpstreamPools.class);

    /** The smallest pool: llama-swap's default concurrencyLimit of 10 plus headroom. */
    static final int SMALLEST = 16;
    /**
     * Connections beyond the limit: one being retried ({@code requestWithOneRetry}) or one still closing after its
     * client went away must not make the next admitted request wait.
     */
    static final int HEADROOM = 4;
    /** How long a client may go without an exchange before {@link #sweep} closes it (its connections idled out). */
    static final long UNUSED_MILLIS = TimeUnit.MINUTES.toMillis(10);

    /**
     * What one client is for: the pool size class and the per-client options, from the configuration, and the event
     * loop it serves (null off the event loops).
     */
    record Key(int size, boolean ssl, int tlsHandshake, int idleConn, int keepalive, Thread loop) {

        /** The key of {@code upstream}'s client for the calling thread's event loop. */
        static Key of(Upstream upstream) {
            UpstreamTimeouts t = upstream.timeouts();
            // tlsHandshake only matters for TLS: plain upstreams share a client whatever it says
            return new Key(sizeFor(upstream.concurrencyLimit()), upstream.ssl(), upstream.ssl() ? t.tlsHandshake() : 0,
                    t.idleConn(), t.keepalive(), Context.isOnEventLoopThread() ? Thread.currentThread() : null);
        }
    }

    /** A client and its use: exchanges under way, and when the last one began. Guarded by the map's compute. */
    private static final class Pool {
        final HttpClient client;
        int inUse;
        long lastUsed;

        Pool(HttpClient client) {
            this.client = client;
        }
    }

    private final Vertx vertx;
    private final Map<Key, Pool> pools = new ConcurrentHashMap<>();

    UpstreamPools(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The client for {@code upstream}, counted as in use until {@link #release} with the same key: a client in use is
     * never swept.
     */
    HttpClient acquire(Key key, long now) {
        return pools.compute(key, (k, pool) -> {
            Pool p = pool != null ? pool : new Pool(create(k));
            p.inUse++;
            p.lastUsed = now;
            return p;
        }).client;
    }

    /** One exchange acquired with {@code key} is over. */
    void release(Key key) {
        pools.computeIfPresent(key, (k, pool) -> {
            pool.inUse = Math.max(0, pool.inUse - 1);
            return pool;
        });
    }

    /** Closes the clients not in use and unused since {@code now - UNUSED_MILLIS}; returns how many it closed. */
    int sweep(long now) {
        List<HttpClient> closing = new ArrayList<>();
        for (Key key : List.copyOf(pools.keySet())) {
            pools.computeIfPresent(key, (k, pool) -> {
                if (pool.inUse == 0 && now - pool.lastUsed >= UNUSED_MILLIS) {
                    closing.add(pool.client);
                    return null;
                }
                return pool;
            });
        }
        closing.forEach(HttpClient::close);
        return closing.size();
    }

    /** How many clients exist (for tests and the long-running checks). */
    int size() {
        return pools.size();
    }

    /** The pool size for a model with this limit: the next power of two at or above limit + headroom, min 16. */
    static int sizeFor(int concurrencyLimit) {
        long wanted = Math.max(SMALLEST, (long) Math.max(0, concurrencyLimit) + HEADROOM);
        long size = Long.highestOneBit(wanted - 1) << 1;
        return (int) Math.min(size, 1 << 30);
    }

    private HttpClient create(Key key) {
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(key.idleConn()) // 0: no limit, as Go's IdleConnTimeout 0
                .setTcpNoDelay(true)
                .setTcpKeepAlive(key.keepalive() > 0)
                .setName("modelswap-upstream-" + key.size() + (key.ssl() ? "-tls" : ""));
        if (key.ssl()) {
            // the JDK's default trust store (javax.net.ssl.trustStore, else cacerts) and host name verification:
            // Vert.x uses both when no trust options are set; never trust-all
            options.setSsl(true).setVerifyHost(true).setTrustAll(false)
                    .setSslHandshakeTimeout(key.tlsHandshake()).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
        }
        return vertx.httpClientBuilder().with(options)
                // the wait queue is unbounded, but only admitted requests reach it and the pool is never smaller
                .with(new PoolOptions().setHttp1MaxSize(key.size()).setMaxWaitQueueSize(-1))
                .withConnectHandler(connection -> {
                    // An idle pooled connection whose upstream went away (a swap stopped it) may be reset: without a
                    // handler Vert.x logs that at ERROR on every swap. A request on the connection hears of a failure
                    // through its own handlers, so the connection's own is only worth a debug line.
                    connection.exceptionHandler(e -> LOG.debugf("upstream connection to %s: %s",
                            connection.remoteAddress(), e.getMessage()));
                    TcpKeepAlive.apply(connection, key.keepalive());
                })
                .build();
    }

    void close() {
        for (Pool pool : List.copyOf(pools.values())) {
            pool.client.close();
        }
        pools.clear();
    }
}
