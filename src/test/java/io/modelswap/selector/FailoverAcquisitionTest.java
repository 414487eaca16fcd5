package io.modelswap.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelswap.backend.Acquisition;
import io.modelswap.backend.Lease;
import io.modelswap.progress.LoadProgress;
import io.modelswap.backend.ModelBackend;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.config.ModelFilters;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** The failover strategy with backends that answer at once: which candidate serves, what is counted, what backs off. */
class FailoverAcquisitionTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    private final FailoverState state = new FailoverState(Duration.ofSeconds(30), now::get);
    private final List<String> acquired = new ArrayList<>();

    /** A backend whose every acquisition fails with {@code cause}, or is leased when it is null. */
    private ServedModel target(String id, FailureCause cause) {
        ModelBackend backend = new ModelBackend() {
            @Override
            public String kind() {
                return "test";
            }

            @Override
            public java.util.Optional<ServedModel> find(String name) {
                return java.util.Optional.empty();
            }

            @Override
            public Acquisition acquire(ServedModel model) {
                acquired.add(model.id());
                Future<Lease> lease = cause == null ? Future.succeededFuture(lease(model))
                        : Future.failedFuture(new ServeFailure(cause, model.id(), model.id() + " failed"));
                return acquisition(model, lease);
            }

            @Override
            public boolean looksReady(ServedModel model) {
                return true;
            }
        };
        return new ServedModel(backend, id, id, ModelFilters.NONE, false);
    }

    private static Lease lease(ServedModel model) {
        return new Lease() {
            @Override
            public Upstream upstream() {
                return null;
            }

            @Override
            public Acquisition retryAfterLoss(boolean requestSent) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void release() {
            }
        };
    }

    private static Acquisition acquisition(ServedModel model, Future<Lease> lease) {
        return new Acquisition() {
            @Override
            public ServedModel model() {
                return model;
            }

            @Override
            public Future<Void> admission() {
                return lease.failed() && ((ServeFailure) lease.cause()).failureCause()
                        == FailureCause.CONCURRENCY_LIMIT ? Future.failedFuture(lease.cause())
                        : Future.succeededFuture();
            }

            @Override
            public Future<Lease> lease() {
                return lease;
            }

            @Override
            public void onQueuePosition(IntConsumer listener) {
            }

            @Override
            public void onLoadProgress(Consumer<LoadProgress> listener) {
            }

            @Override
            public void cancel() {
            }
        };
    }

    private Acquisition acquire(ServedModel... candidates) {
        FailoverAcquisition.Chain chain = new FailoverAcquisition.Chain(new Failovers(registry), state, "fo",
                List.of(candidates));
        ServedModel selector = new ServedModel(new FailoverBackend(chain), "fo", "", ModelFilters.NONE, false);
        return selector.acquire();
    }

    private double counted(String from, String to, String cause) {
        var counter = registry.find("modelswap.failovers").tags("selector", "fo", "from", from, "to", to, "cause",
                cause).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void startFailuresAndTimeoutsAndPeerFailuresMoveOnInOrder() {
        ServedModel a = target("a", FailureCause.START_FAILED);
        ServedModel b = target("b", FailureCause.START_TIMEOUT);
        ServedModel c = target("p/c", FailureCause.PEER_FAILED);
        ServedModel d = target("d", null);
        Acquisition acquisition = acquire(a, b, c, d);
        assertTrue(acquisition.lease().succeeded());
        assertSame(d, acquisition.lease().result().served());
        assertFalse(acquisition.lease().result().failsOver(), "the last candidate does not fail over");
        assertEquals(List.of("a", "b", "p/c", "d"), acquired);
        assertEquals(1.0, counted("a", "b", "upstream_start_failed"));
        assertEquals(1.0, counted("b", "p/c", "upstream_start_timeout"));
        assertEquals(1.0, counted("p/c", "d", "peer_proxy_error"));
    }

    @Test
    void aTargetThatFailedIsSkippedForItsBackoffThenTriedAgain() {
        List<String> targets = List.of("a", "b");
        state.failed("a");
        assertEquals(List.of("b"), state.order(targets));
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertEquals(List.of("b"), state.order(targets));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(targets, state.order(targets));
        state.failed("a");
        state.failed("b");
        assertEquals(targets, state.order(targets), "all backing off: all are tried, in order");
    }

    @Test
    void aRefusalOrTheLastCandidatesFailureIsTheClientsAnswer() {
        Acquisition refused = acquire(target("a", FailureCause.CONCURRENCY_LIMIT), target("b", null));
        assertTrue(refused.lease().failed());
        assertEquals(FailureCause.CONCURRENCY_LIMIT, ((ServeFailure) refused.lease().cause()).failureCause());
        assertEquals(List.of("a"), acquired);

        Acquisition last = acquire(target("c", null), target("d", FailureCause.START_FAILED));
        assertTrue(last.lease().succeeded(), "the first serves: the second is never asked");
        assertTrue(last.lease().result().failsOver());
        Acquisition allFail = acquire(target("e", FailureCause.START_FAILED), target("f", FailureCause.START_FAILED));
        assertEquals(FailureCause.START_FAILED, ((ServeFailure) allFail.lease().cause()).failureCause());
        assertEquals("f", ((ServeFailure) allFail.lease().cause()).model());
    }
}
