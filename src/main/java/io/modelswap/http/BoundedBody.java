package io.modelswap.http;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a request body into memory, never more than a limit, and never more than the shared {@link BodyBudget}
 * allows: a declared {@code Content-Length} over the limit is refused before a byte is read, an undeclared one as soon
 * as it passes the limit. Memory is taken as bytes arrive, never by what the client announces: the chunks are kept as
 * they came (a composite buffer, no copying and no doubling) and their bytes are given back to the budget when the
 * exchange ends. {@code Expect: 100-continue} is answered once the announced body is known to be acceptable.
 */
public final class BoundedBody {

    private BoundedBody() {
    }

    public static Future<Buffer> read(RoutingContext rc, long limit, BodyBudget budget) {
        HttpServerRequest request = rc.request();
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                return Future.failedFuture(new BadRequestException(400, "invalid Content-Length: " + declared)
                        .closingConnection());
            }
            if (length > limit) {
                return Future.failedFuture(tooLarge(limit));
            }
            if (!budget.fits(length)) {
                return Future.failedFuture(budget.spent());
            }
        }
        AtomicLong taken = new AtomicLong();
        rc.addEndHandler(ended -> budget.give(taken.getAndSet(0)));
        Promise<Buffer> done = Promise.promise();
        Chunks body = new Chunks();
        request.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            int size = chunk.length();
            if (body.length() + (long) size > limit) {
                request.pause();
                done.tryFail(tooLarge(limit));
                return;
            }
            if (!budget.tryTake(size)) {
                request.pause();
                done.tryFail(budget.spent());
                return;
            }
            taken.addAndGet(size);
            body.add(chunk);
        });
        request.exceptionHandler(e -> done.tryFail(new BadRequestException(400,
                "could not read the request body: " + e.getMessage()).closingConnection()));
        request.endHandler(v -> done.tryComplete(body.whole()));
        if (expectsContinue(request)) {
            request.response().writeContinue();
        }
        request.resume();
        return done.future();
    }

    /**
     * The chunks of a body as they came: the one chunk itself when there is only one (most bodies: it can then be
     * parsed in place, see {@link JsonBodies#parserOf}), a composite of them otherwise; never a copy.
     */
    private static final class Chunks {
        private Buffer first;
        private CompositeByteBuf more;

        long length() {
            return more != null ? more.writerIndex() : first != null ? first.length() : 0;
        }

        void add(Buffer chunk) {
            if (first == null) {
                first = chunk;
                return;
            }
            if (more == null) {
                more = Unpooled.compositeBuffer(Integer.MAX_VALUE);
                more.addComponent(true, first.getByteBuf());
            }
            more.addComponent(true, chunk.getByteBuf());
        }

        Buffer whole() {
            return more != null ? Buffer.buffer(more) : first != null ? first : Buffer.buffer();
        }
    }

    /** An HTTP/1.1 client that waits for {@code 100 Continue} before sending its body. */
    public static boolean expectsContinue(HttpServerRequest request) {
        String expect = request.getHeader(HttpHeaders.EXPECT);
        return expect != null && expect.trim().equalsIgnoreCase("100-continue")
                && request.version() == HttpVersion.HTTP_1_1 && !request.response().headWritten();
    }

    private static BadRequestException tooLarge(long limit) {
        return new BadRequestException(413, "request body is larger than the limit of " + limit
                + " bytes (modelswap.proxy.max-body-size)").closingConnection();
    }
}
