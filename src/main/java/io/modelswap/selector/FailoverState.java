package io.modelswap.selector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One {@code failover} selector's back-off: a target that just failed is skipped until its back-off ends, so the
 * requests after a failure do not each wait for the same dead target first. When every target is backing off, all
 * are tried in order anyway (a target that recovered must get its chance; refusing would be worse). Thread-safe.
 */
final class FailoverState {

    private final Duration backoff;
    private final LongSupplier nanoClock;
    /** Target name to the nano time its back-off ends. */
    private final Map<String, Long> backingOff = new ConcurrentHashMap<>();

    FailoverState(Duration backoff, LongSupplier nanoClock) {
        this.backoff = backoff;
        this.nanoClock = nanoClock;
    }

    /** The targets to try, in order: those not backing off, or all of them when every one is. */
    List<String> order(List<String> targets) {
        long now = nanoClock.getAsLong();
        List<String> ready = new ArrayList<>();
        for (String target : targets) {
            Long until = backingOff.get(target);
            if (until == null || until - now <= 0) {
                backingOff.remove(target, until);
                ready.add(target);
            }
        }
        return ready.isEmpty() ? List.copyOf(targets) : ready;
    }

    /** {@code target} failed now: skip it for the back-off. */
    void failed(String target) {
        backingOff.put(target, nanoClock.getAsLong() + backoff.toNanos());
    }

    Duration backoff() {
        return backoff;
    }
}
