package io.modelswap.backend.local;

import io.modelswap.progress.LoadTimes;
import io.modelswap.backend.Acquisition;
import io.modelswap.backend.Lease;
import io.modelswap.progress.LoadProgress;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.config.ModelConfig;
import io.modelswap.router.Grant;
import io.modelswap.router.PendingRequest;
import io.modelswap.router.Router;
import io.vertx.core.Future;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One request to the router, as an {@link Acquisition}: the router's grant becomes the lease, a withdrawal the
 * cancel, and {@link Router#serveDone} the release, said exactly once whichever of cancel and release comes first.
 */
final class LocalAcquisition implements Acquisition {

    private final Router router;
    private final LoadTimes loadTimes;
    private final ServedModel model;
    private final PendingRequest pending;
    private final Future<Lease> lease;
    /** Set by the first of release, cancel-after-grant and retry: the grant is handed back once. */
    private final AtomicBoolean handedBack = new AtomicBoolean();

    LocalAcquisition(Router router, LoadTimes loadTimes, ServedModel model,
            PendingRequest pending) {
        this.router = router;
        this.loadTimes = loadTimes;
        this.model = model;
        this.pending = pending;
        this.lease = pending.grant().map(LocalLease::new);
    }

    @Override
    public ServedModel model() {
        return model;
    }

    @Override
    public Future<Void> admission() {
        return pending.admission();
    }

    @Override
    public Future<Lease> lease() {
        return lease;
    }

    @Override
    public void onQueuePosition(IntConsumer listener) {
        pending.onQueuePosition(listener);
    }

    @Override
    public void onLoadProgress(Consumer<LoadProgress> listener) {
        // a load (or wake) that begins carries how long the last ones took, so its progress can be estimated
        pending.onLoadProgress(change -> listener.accept(new LoadProgress(change.model(), change.from().apiName(),
                change.to().apiName(), change.reason(), change.at(),
                loadTimes.expected(change.model(), change.from() == io.modelswap.process.ProcessState.SLEEPING)
                        .orElse(null))));
    }

    @Override
    public void cancel() {
        if (!router.cancel(pending)) {
            handBack(); // the grant was taken already: release it
        }
    }

    private boolean handBack() {
        if (handedBack.compareAndSet(false, true)) {
            router.serveDone(pending);
            return true;
        }
        return false;
    }

    /** The grant as a lease: the upstream of the definition the loop granted. */
    private final class LocalLease implements Lease {
        private final Upstream upstream;

        LocalLease(Grant grant) {
            this.upstream = upstreamOf(grant.model());
        }

        @Override
        public Upstream upstream() {
            return upstream;
        }

        @Override
        public Acquisition retryAfterLoss(boolean requestSent) {
            if (!handedBack.compareAndSet(false, true)) {
                throw new IllegalStateException("the lease of " + model.id() + " was released already");
            }
            return new LocalAcquisition(router, loadTimes, model, router.retryAfterRefusal(pending, requestSent));
        }

        @Override
        public void release() {
            handBack();
        }
    }

    static Upstream upstreamOf(ModelConfig model) {
        return new Upstream(LocalBackend.KIND, model.id(), model.useModelName().isEmpty() ? model.id()
                : model.useModelName(), model.proxy(), URI.create(model.proxy()), model.timeouts(),
                model.concurrencyLimit(), Map.of(), Set.of());
    }
}
