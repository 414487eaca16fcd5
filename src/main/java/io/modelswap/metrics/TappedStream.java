package io.modelswap.metrics;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.Consumer;

/** A read stream that shows every chunk to an observer on its way through (usage, byte counts, captures). */
final class TappedStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final Consumer<Buffer> observer;

    TappedStream(ReadStream<Buffer> source, Consumer<Buffer> observer) {
        this.source = source;
        this.observer = observer;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
        } else {
            source.handler(chunk -> {
                observer.accept(chunk);
                handler.handle(chunk);
            });
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler);
        return this;
    }
}
