package io.modelswap.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The client's response as the destination of an upstream answer's pipe, which stops writing once the client has
 * gone. Vert.x's pipe may still hold a chunk of the upstream answer when the client's connection closes; writing it
 * into the closed response would throw ("Response has already been written"), reported as an uncaught error though
 * nothing is wrong. The upstream exchange is reset by the proxy exchange that the close ends; the leftover chunk is dropped.
 */
final class LiveResponse implements WriteStream<Buffer> {

    private final HttpServerResponse response;
    private final Runnable beforeEnd;
    /** A write to the client failed, or its connection reported an error: the pipe broke on the client's side. */
    private boolean clientFailed;

    /** {@code beforeEnd} runs once the whole answer has been written, right before the response is ended. */
    LiveResponse(HttpServerResponse response, Runnable beforeEnd) {
        this.response = response;
        this.beforeEnd = beforeEnd;
    }

    private boolean gone() {
        return clientFailed || response.closed() || response.ended();
    }

    /**
     * Whether the client's side broke the pipe: a write to it failed (a connection reset by the client is reported
     * to the write before Vert.x marks the response closed) or its connection reported an error. Such an answer was
     * cut by the client, not by the upstream, and is a hang-up.
     */
    boolean clientFailed() {
        return clientFailed || response.closed();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        if (!gone()) {
            response.exceptionHandler(handler == null ? null : e -> {
                clientFailed = true;
                handler.handle(e);
            });
        }
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        return gone() ? Future.succeededFuture() : response.write(data).onFailure(e -> clientFailed = true);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    @Override
    public Future<Void> end() {
        if (gone()) {
            return Future.succeededFuture();
        }
        beforeEnd.run();
        return response.end().onFailure(e -> clientFailed = true);
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        end().onComplete(handler);
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        if (!gone()) {
            response.setWriteQueueMaxSize(maxSize);
        }
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return !gone() && response.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        if (!gone()) {
            response.drainHandler(handler);
        }
        return this;
    }
}
