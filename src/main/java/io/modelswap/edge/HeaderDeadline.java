package io.modelswap.edge;

import io.modelswap.http.OpenAiError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The first handler of a client connection's pipeline: a request head must arrive within the header timeout of the
 * connection opening, or of the first byte of a request on a kept-alive connection, however slowly its bytes trickle
 * in; a connection that misses it is closed, after a 408 in the OpenAI envelope when it had sent part of a request. A
 * kept-alive connection without a request in progress is closed after the keep-alive timeout (HTTP/2: with a GOAWAY,
 * so the client opens its next stream elsewhere). Requests report their start and end from the first route ({@link ConnectionGuard}); all state is
 * touched on the channel's event loop only.
 */
final class HeaderDeadline extends ChannelDuplexHandler {

    private static final Logger LOG = Logger.getLogger(HeaderDeadline.class);
    /** The deadline of a client connection, for its requests to report to (see {@link ConnectionGuard}). */
    static final AttributeKey<HeaderDeadline> OF_CHANNEL = AttributeKey.valueOf("modelswap.header-deadline");
    private static final byte[] HTTP2_PREFACE_START = "PRI ".getBytes(StandardCharsets.US_ASCII);
    /** The answer to an h2c upgrade request: what follows on the connection is HTTP/2. */
    private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);

    private final long timeoutMillis;
    private final long keepAliveMillis;
    private final boolean plain;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private int inFlight;
    private boolean bytesWhileIdle;
    /** Whether the connection is idle after a response (the keep-alive timeout runs), not freshly opened. */
    private boolean keptAlive;
    private boolean http2;
    private boolean firstBytes = true;
    /** Whether anything was written for the request in progress (then only a reset can end it). */
    private boolean responseStarted;
    /** Set once this handler has answered a malformed request itself: Vert.x's own late answer is dropped. */
    private boolean answeredHere;

    HeaderDeadline(long timeoutMillis, long keepAliveMillis, boolean plain) {
        this.timeoutMillis = timeoutMillis;
        this.keepAliveMillis = keepAliveMillis;
        this.plain = plain;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(timeoutMillis);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            if (firstBytes) {
                firstBytes = false;
                http2 = startsWith(bytes, HTTP2_PREFACE_START);
            }
            if (inFlight == 0 && !bytesWhileIdle && !http2) {
                bytesWhileIdle = true;
                if (keptAlive) {
                    // the next request's head has begun: from now on it has the header timeout, not the keep-alive one
                    arm(timeoutMillis);
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** A request's head is complete (called from the connection's context). */
    void requestStarted() {
        onLoop(() -> {
            inFlight++;
            bytesWhileIdle = false;
            responseStarted = false;
            disarm();
        });
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise)
            throws Exception {
        if (answeredHere) {
            io.netty.util.ReferenceCountUtil.release(msg);
            promise.setSuccess();
            return;
        }
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            if (!http2 && startsWith(bytes, SWITCHING_PROTOCOLS)) {
                http2 = true; // an h2c upgrade: frames from now on, never an HTTP/1.1 answer of ours
            }
            if (inFlight == 0 && !responseStarted && plain && !http2) {
                ByteBuf replacement = enveloped(bytes);
                if (replacement != null) {
                    bytes.release();
                    msg = replacement;
                }
            }
            responseStarted = true;
        }
        super.write(ctx, msg, promise);
    }

    /**
     * A response written while no request has reached the router comes from Vert.x's invalid-request handler (a
     * request line over 4 KiB, headers over {@code quarkus.http.limits.max-header-size}, an undecodable head): an
     * empty 400/414/431. It is replaced by the same status in the OpenAI envelope; anything else is left alone.
     */
    private static ByteBuf enveloped(ByteBuf bytes) {
        int length = Math.min(bytes.readableBytes(), 512);
        String head = bytes.toString(bytes.readerIndex(), length, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.") || head.length() < 12 || !head.toLowerCase(java.util.Locale.ROOT)
                .contains("content-length: 0\r\n") || !head.contains("\r\n\r\n")) {
            return null;
        }
        String message = switch (head.substring(9, 12)) {
            case "400" -> "malformed request: its request line or headers could not be decoded";
            case "414" -> "request line too long (at most 4096 bytes)";
            case "431" -> "request headers too large (quarkus.http.limits.max-header-size)";
            default -> null;
        };
        if (message == null) {
            return null;
        }
        int status = Integer.parseInt(head.substring(9, 12));
        String reason = switch (status) {
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            default -> "Bad Request";
        };
        return rawResponse(status, reason, OpenAiError.codeFor(status), message, false);
    }

    /**
     * Vert.x fails the connection when the HTTP decoder rejects a request's body (a chunk size that is not hex, a
     * chunk line too long) and closes it without a word; the failure passes here first, so the client gets a 400 in
     * the OpenAI envelope when nothing of a response has been written yet.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (plain && !http2 && !answeredHere && !responseStarted && ctx.channel().isActive()
                && (inFlight > 0 || bytesWhileIdle) && !(cause instanceof java.io.IOException)) {
            LOG.debugf("malformed request from %s: %s", ctx.channel().remoteAddress(), cause.toString());
            ctx.writeAndFlush(rawResponse(400, "Bad Request", "bad_request", "malformed request: the HTTP framing"
                    + " of its body could not be decoded (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")", false))
                    .addListener(ChannelFutureListener.CLOSE);
            answeredHere = true;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** A request's response has ended or its connection failed. */
    void requestEnded() {
        onLoop(() -> {
            if (inFlight > 0) {
                inFlight--;
            }
            if (inFlight == 0) {
                bytesWhileIdle = false;
                keptAlive = true;
                arm(keepAliveMillis);
            }
        });
    }

    private void onLoop(Runnable action) {
        if (ctx == null) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            action.run();
        } else {
            ctx.executor().execute(action);
        }
    }

    private void arm(long millis) {
        disarm();
        if (millis > 0 && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::expire, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire() {
        timer = null;
        if (inFlight > 0 || !ctx.channel().isActive() || upgraded()) {
            return;
        }
        if (bytesWhileIdle && plain && !http2) {
            LOG.debugf("closing %s: no complete request head within %d ms", ctx.channel().remoteAddress(),
                    timeoutMillis);
            ctx.writeAndFlush(rawResponse(408, "Request Timeout", "request_timeout", "the request head was not"
                    + " complete within " + timeoutMillis + " ms (modelswap.http.header-timeout)", false))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // From the tail of the pipeline, so that an HTTP/2 connection's handler sends its GOAWAY first
        ctx.channel().close();
    }

    /**
     * Whether the connection became a websocket: its request "ended" with the 101, but it carries frames now, for as
     * long as both ends like; no request head will ever come.
     */
    private boolean upgraded() {
        return ctx.pipeline().get(io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder.class) != null;
    }

    /** A complete HTTP/1.1 error response in the OpenAI envelope, written below Vert.x (no request to answer). */
    static ByteBuf rawResponse(int status, String reason, String code, String message, boolean retry) {
        byte[] body = OpenAiError.body(status, code, message).encode().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n"
                + (retry ? "Retry-After: 1\r\n" : "") + "\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private static boolean startsWith(ByteBuf bytes, byte[] prefix) {
        if (bytes.readableBytes() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes.getByte(bytes.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
