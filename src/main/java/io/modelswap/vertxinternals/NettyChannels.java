package io.modelswap.vertxinternals;

import io.netty.channel.Channel;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that reaches into Vert.x internals, and why. The connection guard (edge.ConnectionGuard) must see
 * every accepted connection before Vert.x does (to refuse one over the cap with a 503 at accept time, and to time a request head
 * that is never completed), and Vert.x 4 has no public hook for either. Quarkus's
 * {@code quarkus.http.limits.max-connections} only closes a connection over the cap, without an answer, and neither
 * Vert.x nor Quarkus offers a deadline for a request head that never completes ({@code idle-timeout} also ends a
 * long-streaming answer's quiet pauses). So the listening channels are found through
 * {@link VertxInternal#sharedHttpServers()} and two fields of {@link TCPServerBase} read reflectively, and a request's
 * connection channel through {@link ConnectionBase#channel()}. The upstream client (proxy.TcpKeepAlive) needs a
 * connection's channel too: Vert.x's JDK transport only switches {@code SO_KEEPALIVE} on, and {@code
 * timeouts.keepalive} sets the probes' idle time and interval on the channel itself.
 *
 * <p>Checked against Vert.x 4.5.27 (Quarkus 3.33.2). When Vert.x changes these, {@link #listening} throws and the guard
 * logs that the limits are not enforced; the service keeps running.
 */
@RegisterForReflection(targets = TCPServerBase.class, fields = true, methods = false)
public final class NettyChannels {

    /** A listening channel of one of Vert.x's HTTP servers, and whether it speaks plain HTTP (not TLS). */
    public record Listening(Channel channel, boolean plain) {
    }

    private NettyChannels() {
    }

    /** The bound listening channels of every HTTP server of {@code vertx}. */
    public static List<Listening> listening(Vertx vertx) throws ReflectiveOperationException {
        List<Listening> found = new ArrayList<>();
        for (TCPServerBase server : ((VertxInternal) vertx).sharedHttpServers().values()) {
            Channel channel = listeningChannel(server);
            if (channel != null) {
                found.add(new Listening(channel, !options(server).isSsl()));
            }
        }
        return found;
    }

    /** The Netty channel of a client connection; null when it is not one Vert.x made itself. */
    public static Channel of(HttpConnection connection) {
        return connection instanceof ConnectionBase base ? base.channel() : null;
    }

    @SuppressWarnings("unchecked")
    private static Channel listeningChannel(TCPServerBase server) throws ReflectiveOperationException {
        Field field = TCPServerBase.class.getDeclaredField("bindFuture");
        field.setAccessible(true);
        Future<Channel> bound = (Future<Channel>) field.get(server);
        return bound != null && bound.succeeded() ? bound.result() : null;
    }

    private static NetServerOptions options(TCPServerBase server) throws ReflectiveOperationException {
        Field field = TCPServerBase.class.getDeclaredField("options");
        field.setAccessible(true);
        return (NetServerOptions) field.get(server);
    }
}
