package io.modelswap.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body into memory, never more than a limit: a declared {@code Content-Length} over the limit is
 * refused before a byte is read, an undeclared one as soon as it passes the limit.
 */
final class BoundedBody {

    private BoundedBody() {
    }

    static Future<Buffer> read(HttpServerRequest request, long limit) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    return Future.failedFuture(tooLarge(limit));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(new BadRequestException(400, "invalid Content-Length: " + declared));
            }
        }
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer(declared == null ? 1024 : (int) Math.min(limit, Long.parseLong(declared.trim())));
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                request.pause();
                done.tryFail(tooLarge(limit));
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(v -> done.tryComplete(body));
        request.resume();
        return done.future();
    }

    private static BadRequestException tooLarge(long limit) {
        return new BadRequestException(413, "request body is larger than the limit of " + limit
                + " bytes (modelswap.proxy.max-body-size)");
    }
}
