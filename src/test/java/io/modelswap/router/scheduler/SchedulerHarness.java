package io.modelswap.router.scheduler;

import io.modelswap.testing.FakeClock;
import io.modelswap.config.GroupConfig;
import io.modelswap.failure.FailureCause;
import io.modelswap.failure.ServeFailure;
import io.modelswap.process.ProcessState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds a scheduler over a recording world and plays the world's part in a line or two per step. */
class SchedulerHarness {

    final FakeClock clock = new FakeClock();
    final RecordingEffects fx = new RecordingEffects();
    private long nextId = 1;
    FifoScheduler scheduler;

    /** A policy that looks at the residents' names only: {@code running} are their names, in the scheduler's order. */
    interface ByNames {
        List<String> evict(String target, List<String> running);
    }

    /** A swapper out of a policy on names. */
    static Swapper byNames(ByNames policy) {
        return (target, residents) -> SwapPlan.evicting(policy.evict(target,
                residents.stream().map(Resident::model).toList()), "test policy", null);
    }

    /** Every model evicts every other (llama-swap's default config). */
    static Swapper oneAtATime() {
        return byNames((target, running) -> running.stream().filter(m -> !m.equals(target)).sorted().toList());
    }

    /** Nothing ever evicts anything. */
    static Swapper everythingFits() {
        return (target, residents) -> SwapPlan.NOTHING;
    }

    static Swapper groups(GroupConfig... groups) {
        return new GroupSwapper(List.of(groups));
    }

    static Map<String, ModelPolicy> policies(String... models) {
        Map<String, ModelPolicy> m = new LinkedHashMap<>();
        for (String id : models) {
            m.put(id, ModelPolicy.defaults());
        }
        return m;
    }

    static SchedulerSettings settings(Map<String, ModelPolicy> models, Swapper swapper) {
        return new SchedulerSettings(models, swapper, Duration.ZERO, Duration.ZERO);
    }

    SchedulerHarness(SchedulerSettings settings) {
        scheduler = new FifoScheduler(settings, clock, fx);
    }

    SchedulerHarness(Swapper swapper, String... models) {
        this(settings(policies(models), swapper));
    }

    Ticket request(String model) {
        return request(model, 0);
    }

    /** A request with a priority of its own (a scoped API key's), added to its model's. */
    Ticket request(String model, int priority) {
        Ticket t = new Ticket(nextId++, model, priority);
        scheduler.onRequest(t);
        return t;
    }

    List<Ticket> requests(String... models) {
        List<Ticket> out = new ArrayList<>();
        for (String m : models) {
            out.add(request(m));
        }
        return out;
    }

    /** The world finished a swap successfully: the target reports READY, then the swap is done. */
    void ready(String model) {
        scheduler.onStateChanged(model, ProcessState.READY);
        scheduler.onSwapDone(model, Optional.empty());
    }

    /** The model is up without anyone having asked the scheduler (e.g. a preload). */
    void alreadyReady(String... models) {
        for (String m : models) {
            scheduler.onStateChanged(m, ProcessState.READY);
        }
    }

    /** The owner's failure of a start of {@code model}, as the run loop hands it to the scheduler. */
    static Optional<ServeFailure> startFailed(String model, String message) {
        return Optional.of(new ServeFailure(FailureCause.START_FAILED, model, message));
    }

    void stopped(String... models) {
        for (String m : models) {
            scheduler.onStateChanged(m, ProcessState.STOPPED);
        }
    }

    void done(Ticket... tickets) {
        for (Ticket t : tickets) {
            scheduler.onServeDone(t);
        }
    }

    void done(Collection<Ticket> tickets) {
        tickets.forEach(scheduler::onServeDone);
    }

    SchedulerSnapshot.ModelLoad load(String model) {
        return scheduler.snapshot().models().get(model);
    }
}
