package io.modelswap.accesslog;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import org.jboss.logging.Logger;

/**
 * One line per request in the proxy log ({@code GET /logs}, the UI's proxy panel, and stdout per
 * {@code logToStdout}), in llama-swap's field order:
 * {@code Request <client> "<METHOD> <path> <proto>" <status> <body bytes> "<user agent>" <duration>}, followed by
 * {@code model=<id>} for a request that reached a model. The duration is spelled as Go spells one, as llama-swap
 * writes it. Logged at INFO under {@code io.modelswap.accesslog}: {@code logLevel: warn} hides it with the rest of
 * the INFO lines, {@code quarkus.log.category."io.modelswap.accesslog".level=OFF} hides it alone; either way nothing
 * is formatted.
 */
public final class AccessLog {

    private static final Logger LOG = Logger.getLogger(AccessLog.class);

    private AccessLog() {
    }

    /** Whether a line would be written: callers skip their bookkeeping when not. */
    public static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /**
     * Writes the line of {@code request}: {@code path} as it arrived (before {@code /upstream/} rewrote it),
     * {@code model} the model that served it or null, {@code status} what the client saw (499 when it hung up before
     * its answer was complete), {@code bytes} the body bytes written to it, {@code nanos} from arrival to the end.
     */
    public static void write(HttpServerRequest request, String path, String model, int status, long bytes,
            long nanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(160).append("Request ");
        line.append(clientIp(request)).append(" \"").append(request.method().name()).append(' ');
        appendSafe(line, path);
        line.append(' ').append(proto(request.version())).append("\" ").append(status).append(' ').append(bytes)
                .append(" \"");
        String agent = request.getHeader("User-Agent");
        appendSafe(line, agent == null ? "" : agent);
        line.append("\" ");
        GoDuration.append(line, nanos);
        if (model != null) {
            line.append(" model=");
            appendSafe(line, model);
        }
        LOG.info(line);
    }

    /** The client as llama-swap names it: the first {@code X-Forwarded-For}, else {@code X-Real-IP}, else the peer. */
    static String clientIp(HttpServerRequest request) {
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            int comma = forwarded.indexOf(',');
            return safe((comma < 0 ? forwarded : forwarded.substring(0, comma)).trim());
        }
        String real = request.getHeader("X-Real-IP");
        if (real != null && !real.isBlank()) {
            return safe(real.trim());
        }
        SocketAddress peer = request.remoteAddress();
        return peer == null || peer.host() == null ? "-" : peer.host();
    }

    private static String proto(HttpVersion version) {
        return switch (version) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2.0";
        };
    }

    private static String safe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        appendSafe(out, value);
        return out.toString();
    }

    /** Appends {@code value} with quotes and control characters escaped: a client cannot forge a line. */
    private static void appendSafe(StringBuilder line, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                line.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                line.append(c);
            }
        }
    }
}
