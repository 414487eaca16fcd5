package io.modelswap.router;

import io.modelswap.config.SwapConfig;
import io.modelswap.router.scheduler.SchedulerSnapshot;
import io.modelswap.router.scheduler.Ticket;
import io.vertx.core.Promise;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A message to the router's run loop. Everything that may change a swap decision arrives as one of these on
 * {@link #ADDRESS} and is handled, one at a time, on the loop's own context.
 */
interface RouterCommand {

    /** Event-bus address of the run loop. */
    String ADDRESS = "modelswap.router";

    void applyTo(RouterLoop loop);

    record Submit(PendingRequest request) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onSubmit(request);
        }
    }

    record Cancel(Ticket ticket) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onCancel(ticket);
        }
    }

    record ServeDone(Ticket ticket) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onServeDone(ticket);
        }
    }

    /** The upstream of a granted request refused or lost its connection; {@code retry} asks for the model again. */
    record Refused(Ticket refused, PendingRequest retry, boolean onlyToANewInstance) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onRefused(refused, retry, onlyToANewInstance);
        }
    }

    /** The model's process owner has looked at its upstream after a refused connection. */
    record RefusalChecked(String model, boolean stillServing) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onRefusalChecked(model, stillServing);
        }
    }

    record SwapDone(String model, Optional<Throwable> error) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onSwapDone(model, error);
        }
    }


    /**
     * Stop these models (all when empty; with {@code onlyRunning}, those the loop sees running) and complete, when
     * their processes are gone, with the ones that were running.
     */
    record Unload(Collection<String> models, boolean onlyRunning, Promise<List<String>> done) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onUnload(models, onlyRunning, done);
        }
    }

    /** A reading of the GPUs, for memory-aware placement. */
    record GpuSampled(io.modelswap.placement.GpuSample sample) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onGpuSample(sample);
        }
    }

    record ApplyConfig(SwapConfig config, Promise<Void> done) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onApplyConfig(config, done);
        }
    }

    record Shutdown(Promise<Void> done) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            loop.onShutdown(done);
        }
    }

    /** Copy the scheduler's counters (queue depth, in-flight, waiters) for display, metrics and tests. */
    record Snapshot(Promise<SchedulerSnapshot> result) implements RouterCommand {
        public void applyTo(RouterLoop loop) {
            result.complete(loop.snapshot());
        }
    }

}
