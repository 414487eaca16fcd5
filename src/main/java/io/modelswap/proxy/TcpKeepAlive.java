package io.modelswap.proxy;

import io.modelswap.vertxinternals.NettyChannels;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import org.jboss.logging.Logger;

/**
 * {@code timeouts.keepalive} on an upstream connection, as Go's {@code net.Dialer.KeepAlive} sets it for llama-swap:
 * the first TCP keep-alive probe after this many idle seconds, and the next ones this far apart, so a peer that
 * vanished (a rebooted node, a NAT that forgot the flow) is noticed while a long generation waits. Vert.x's JDK
 * transport only switches {@code SO_KEEPALIVE} on (the kernel's default then waits two hours), so the idle time and
 * interval are set on the connection's channel here (found through {@link NettyChannels}, the one class that reaches
 * Vert.x internals).
 */
final class TcpKeepAlive {

    private static final Logger LOG = Logger.getLogger(TcpKeepAlive.class);
    private static final AtomicBoolean UNSUPPORTED_TOLD = new AtomicBoolean();

    private TcpKeepAlive() {
    }

    /** Sets the probes' idle time and interval to {@code seconds} on {@code connection}; 0 leaves it alone (off). */
    static void apply(HttpConnection connection, int seconds) {
        Channel channel = seconds <= 0 ? null : NettyChannels.of(connection);
        if (channel == null) {
            return;
        }
        try {
            boolean idle = channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), seconds);
            boolean interval = channel.config().setOption(
                    NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), seconds);
            if (!(idle && interval)) {
                unsupported("the connection's channel did not take the options");
            }
        } catch (RuntimeException | LinkageError e) {
            unsupported(e.toString());
        }
    }

    private static void unsupported(String why) {
        if (UNSUPPORTED_TOLD.compareAndSet(false, true)) {
            LOG.warnf("timeouts.keepalive: TCP keep-alive is on, but its idle time and interval could not be set on"
                    + " this platform (%s); the system's defaults apply", why);
        }
    }
}
