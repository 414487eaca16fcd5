package io.modelswap.edge;

import io.modelswap.vertxinternals.NettyChannels;
import io.modelswap.settings.ModelswapSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Keeps hostile or careless clients from taking the server's connections and descriptors: at most
 * {@code modelswap.http.max-connections} client connections are open at once (one more is answered with an
 * OpenAI-style 503 and closed at accept time, so the process never runs out of descriptors and recovers as soon as
 * connections end), and a connection must deliver a complete request head within {@code modelswap.http.header-timeout}
 * of opening or of its previous response ending (slowloris clients and idle keep-alive connections are closed; one
 * that had started a request gets a 408 first).
 *
 * <p>Vert.x 4 has no hook before a request's headers are complete, so the guard sits on the listening socket itself:
 * once Quarkus's HTTP server listens, a handler is added in front of the Netty acceptor of each Vert.x HTTP server
 * (found through {@link NettyChannels}, the one class that reaches Vert.x internals), which sees every accepted
 * connection before Vert.x does. Requests report their start and end from the first route.
 */
@ApplicationScoped
public class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class);
    static final String ACCEPT_HANDLER = "modelswap-connection-guard";
    static final String DEADLINE_HANDLER = "modelswap-header-deadline";
    /** Runs before every other route, so a request's head counts as complete as soon as Vert.x has parsed it. */
    static final int ORDER = -3000;
    /** Descriptors left for upstream connections, process pipes, log and jar files when the cap is derived. */
    static final int RESERVED_DESCRIPTORS = 128;
    static final int MAX_DERIVED_CONNECTIONS = 10_000;
    static final int MIN_DERIVED_CONNECTIONS = 16;

    private final Vertx vertx;
    private final int maxConnections;
    private final long headerTimeoutMillis;
    private final long keepAliveTimeoutMillis;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionGuard(Vertx vertx, ModelswapSettings settings) {
        this.vertx = vertx;
        int configured = settings.http().maxConnections();
        this.maxConnections = configured > 0 ? configured : derivedCap(openFilesLimit());
        this.headerTimeoutMillis = settings.http().headerTimeout().toMillis();
        this.keepAliveTimeoutMillis = settings.http().keepAliveTimeout().toMillis();
    }

    void register(@Observes Router web) {
        web.route().order(ORDER).handler(this::onRequest);
    }

    void onHttpStart(@ObservesAsync HttpServerStart event) {
        install();
    }

    void onHttpsStart(@ObservesAsync HttpsServerStart event) {
        install();
    }

    /** Half of what the open-files limit leaves after the reserve, within [16, 10,000]; 1,000 if unknown. */
    static int derivedCap(long openFilesLimit) {
        if (openFilesLimit <= 0) {
            return 1_000;
        }
        long cap = (openFilesLimit - RESERVED_DESCRIPTORS) / 2;
        return (int) Math.max(MIN_DERIVED_CONNECTIONS, Math.min(MAX_DERIVED_CONNECTIONS, cap));
    }

    /** The soft limit on open files of this process ({@code /proc/self/limits}), or -1 when it cannot be read. */
    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("open-files limit unknown: %s", e.toString());
        }
        return -1;
    }

    public int maxConnections() {
        return maxConnections;
    }

    private synchronized void install() {
        try {
            int installed = 0;
            for (NettyChannels.Listening server : NettyChannels.listening(vertx)) {
                Channel listening = server.channel();
                if (listening.pipeline().get(ACCEPT_HANDLER) == null) {
                    listening.pipeline().addFirst(ACCEPT_HANDLER, new AcceptHandler(server.plain()));
                    installed++;
                }
            }
            if (installed > 0) {
                LOG.infof("client connections: at most %d open, request heads within %d ms, idle for %d ms",
                        maxConnections, headerTimeoutMillis, keepAliveTimeoutMillis);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("client connection limits are not enforced (Vert.x internals changed?): %s", e.toString());
        }
    }

    /**
     * The first route: the request's head is complete; its end re-arms the connection's deadline. Every request and
     * response also gets an exception handler until a later one replaces it: Vert.x logs a failure nobody listens
     * for at ERROR ("Stream reset: 0" when a client resets a stream), though a client going away is no error.
     */
    private void onRequest(RoutingContext rc) {
        rc.request().exceptionHandler(ConnectionGuard::clientFailure);
        rc.response().exceptionHandler(ConnectionGuard::clientFailure);
        HeaderDeadline deadline = deadlineOf(rc.request().connection());
        if (deadline != null) {
            deadline.requestStarted();
            rc.addEndHandler(ended -> deadline.requestEnded());
        }
        rc.next();
    }

    private static void clientFailure(Throwable failure) {
        if (failure instanceof io.vertx.core.http.StreamResetException || failure instanceof IOException
                || failure instanceof io.vertx.core.VertxException) {
            LOG.debugf("client exchange ended: %s", failure.toString());
        } else {
            LOG.warnf("client exchange failed: %s", failure.toString());
        }
    }

    private static HeaderDeadline deadlineOf(HttpConnection connection) {
        // Found through the channel's attribute, not the pipeline: Vert.x rebuilds the pipeline of a connection that
        // turns to HTTP/2, and a deadline no request could find any more closed the connection under its streams.
        Channel channel = NettyChannels.of(connection);
        return channel == null ? null : channel.attr(HeaderDeadline.OF_CHANNEL).get();
    }

    /** On the listening socket, before Vert.x's acceptor: counts connections, refuses those over the cap. */
    private final class AcceptHandler extends ChannelInboundHandlerAdapter {
        private final boolean plain;

        AcceptHandler(boolean plain) {
            this.plain = plain;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Channel child)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                refuse(ctx, child);
                return;
            }
            child.closeFuture().addListener(closed -> open.decrementAndGet());
            HeaderDeadline deadline = new HeaderDeadline(headerTimeoutMillis, keepAliveTimeoutMillis, plain);
            child.attr(HeaderDeadline.OF_CHANNEL).set(deadline);
            child.pipeline().addFirst(DEADLINE_HANDLER, deadline);
            ctx.fireChannelRead(child);
        }

        /** Registers the refused connection just long enough to tell it why, then closes it. */
        private void refuse(ChannelHandlerContext ctx, Channel child) {
            LOG.debugf("refusing a connection: %d client connections are open (modelswap.http.max-connections)",
                    maxConnections);
            ctx.channel().eventLoop().register(child).addListener(registered -> {
                if (!registered.isSuccess()) {
                    child.unsafe().closeForcibly();
                    return;
                }
                if (!plain) {
                    child.close();
                    return;
                }
                child.writeAndFlush(HeaderDeadline.rawResponse(503, "Service Unavailable", "server_busy",
                        "modelswap has " + maxConnections + " client connections open"
                                + " (modelswap.http.max-connections); retry shortly", true))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            });
        }
    }
}
