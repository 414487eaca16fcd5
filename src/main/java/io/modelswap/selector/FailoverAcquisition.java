package io.modelswap.selector;

import io.modelswap.backend.Acquisition;
import io.modelswap.backend.Lease;
import io.modelswap.progress.LoadProgress;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.failure.ServeFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A request for a {@code failover} selector: its candidates are acquired one after another. A candidate whose lease
 * fails for a cause that fails over (it could not start, a peer could not be reached) is left for the next one, before
 * the client has been told anything; any other failure (429, unloaded, the last candidate's) is the client's answer.
 * Once leased, a connection that fails before the first byte of the answer reaches the client moves the request on
 * through {@link Lease#retryAfterLoss}; after a byte has reached the client nothing fails over.
 */
final class FailoverAcquisition implements Acquisition {

    /** The listeners the HTTP side added, carried to every candidate's acquisition. */
    static final class Listeners {
        final List<IntConsumer> positions = new CopyOnWriteArrayList<>();
        final List<Consumer<LoadProgress>> progress = new CopyOnWriteArrayList<>();
    }

    /** The selector's candidates for this request and where failovers are told. */
    record Chain(Failovers failovers, FailoverState state, String selector, List<ServedModel> candidates) {
    }

    private final Chain chain;
    private final ServedModel model;
    private final Listeners listeners;
    private final Promise<Void> admission = Promise.promise();
    private final Promise<Lease> lease = Promise.promise();
    private volatile Acquisition current;
    private volatile boolean cancelled;

    FailoverAcquisition(Chain chain, ServedModel model, int first, Listeners listeners) {
        this.chain = chain;
        this.model = model;
        this.listeners = listeners;
        start(first);
    }

    private void start(int index) {
        ServedModel candidate = chain.candidates().get(index);
        Acquisition acquisition = candidate.acquire();
        current = acquisition;
        listeners.positions.forEach(acquisition::onQueuePosition);
        listeners.progress.forEach(acquisition::onLoadProgress);
        acquisition.admission().onComplete(admitted -> {
            if (admitted.succeeded()) {
                admission.tryComplete();
            } else if (!failsOver(index, admitted.cause())) {
                admission.tryFail(admitted.cause());
            }
        });
        acquisition.lease().onComplete(leased -> {
            if (leased.succeeded()) {
                if (cancelled) {
                    leased.result().release();
                    return;
                }
                lease.tryComplete(new FailoverLease(leased.result(), index));
            } else if (!failsOver(index, leased.cause())) {
                admission.tryFail(leased.cause());
                lease.tryFail(leased.cause());
            }
        });
    }

    /** Moves on to the next candidate when {@code failure} is a cause that fails over and one is left. */
    private boolean failsOver(int index, Throwable failure) {
        if (cancelled || index + 1 >= chain.candidates().size() || !(failure instanceof ServeFailure served)) {
            return false;
        }
        String cause = Failovers.causeOf(served.failureCause());
        if (cause == null) {
            return false;
        }
        moveOn(index, cause, served.getMessage());
        start(index + 1);
        return true;
    }

    private void moveOn(int index, String cause, String detail) {
        String from = chain.candidates().get(index).id();
        chain.state().failed(from);
        chain.failovers().record(chain.selector(), from, chain.candidates().get(index + 1).id(), cause, detail,
                chain.state().backoff().toSeconds());
    }

    @Override
    public ServedModel model() {
        return model;
    }

    @Override
    public Future<Void> admission() {
        return admission.future();
    }

    @Override
    public Future<Lease> lease() {
        return lease.future();
    }

    @Override
    public void onQueuePosition(IntConsumer listener) {
        listeners.positions.add(listener);
        current.onQueuePosition(listener);
    }

    @Override
    public void onLoadProgress(Consumer<LoadProgress> listener) {
        listeners.progress.add(listener);
        current.onLoadProgress(listener);
    }

    @Override
    public void cancel() {
        cancelled = true;
        current.cancel();
    }

    /** A candidate's lease, which knows the candidates after it. */
    private final class FailoverLease implements Lease {
        private final Lease inner;
        private final int index;

        FailoverLease(Lease inner, int index) {
            this.inner = inner;
            this.index = index;
        }

        @Override
        public Upstream upstream() {
            return inner.upstream();
        }

        @Override
        public ServedModel served() {
            return chain.candidates().get(index);
        }

        @Override
        public boolean failsOver() {
            return index + 1 < chain.candidates().size();
        }

        /**
         * Nothing of the answer has reached the client: the next candidate gets the request (a different server,
         * so even a request the failed one may have received is not sent twice to one that still serves). The last
         * candidate retries as its own backend does.
         */
        @Override
        public Acquisition retryAfterLoss(boolean requestSent) {
            if (!failsOver()) {
                return inner.retryAfterLoss(requestSent);
            }
            inner.release();
            moveOn(index, requestSent ? Failovers.NO_RESPONSE : Failovers.UNREACHABLE, requestSent
                    ? "the connection was lost before any response header" : "the connection could not be made");
            return new FailoverAcquisition(chain, model, index + 1, listeners);
        }

        @Override
        public void release() {
            inner.release();
        }
    }
}
