package io.modelswap.peer;

import io.modelswap.backend.Acquisition;
import io.modelswap.backend.Lease;
import io.modelswap.progress.LoadProgress;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A request for a peer model: admitted and leased at once (a peer queues and limits on its own side), never in a
 * queue, never loading. Releasing it has nothing to hand back.
 */
final class PeerAcquisition implements Acquisition {

    private final ServedModel model;
    private final Future<Void> admission;
    private final Future<Lease> lease;

    private PeerAcquisition(ServedModel model, Future<Void> admission, Future<Lease> lease) {
        this.model = model;
        this.admission = admission;
        this.lease = lease;
    }

    static Acquisition granted(ServedModel model, Upstream upstream) {
        Lease lease = new Lease() {
            @Override
            public Upstream upstream() {
                return upstream;
            }

            /**
             * A refused connection reached nothing: one more try is harmless. A connection lost after the request was
             * sent may have reached the peer's model: it is not sent twice, the client gets the peer's failure.
             */
            @Override
            public Acquisition retryAfterLoss(boolean requestSent) {
                return requestSent ? failed(model, "peer proxy error: " + upstream.address()
                        + " lost the connection before answering; the request is not sent twice")
                        : granted(model, upstream);
            }

            @Override
            public void release() {
                // nothing is held for a peer request
            }
        };
        return new PeerAcquisition(model, Future.succeededFuture(), Future.succeededFuture(lease));
    }

    static Acquisition failed(ServedModel model, String message) {
        ServeFailure failure = new ServeFailure(FailureCause.PEER_FAILED, model.id(), message);
        return new PeerAcquisition(model, Future.failedFuture(failure), Future.failedFuture(failure));
    }

    @Override
    public ServedModel model() {
        return model;
    }

    @Override
    public Future<Void> admission() {
        return admission;
    }

    @Override
    public Future<Lease> lease() {
        return lease;
    }

    @Override
    public void onQueuePosition(IntConsumer listener) {
        // never queued
    }

    @Override
    public void onLoadProgress(Consumer<LoadProgress> listener) {
        // never loaded
    }

    @Override
    public void cancel() {
        // nothing to withdraw or hand back; the forwarding is cut by the proxy
    }
}
