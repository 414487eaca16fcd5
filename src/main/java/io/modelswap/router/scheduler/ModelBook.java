package io.modelswap.router.scheduler;

import io.modelswap.process.ProcessState;

import java.time.Instant;
import java.util.Comparator;

/** The scheduler's bookkeeping for one model: counters, mirrored state, idle and reload timestamps. */
final class ModelBook {

    /** Why the running instance is on its way out after a config reload. */
    enum Retire {
        NONE,
        /** Changed definition (or incompatible with the new swapper): stop it, then start afresh on demand. */
        REPLACE,
        /** Gone from the config: stop it once its in-flight requests end; forget it afterwards. */
        REMOVE
    }

    final String model;
    ProcessState state = ProcessState.STOPPED;
    /** Slots held: queued + waiting for a swap + in flight. */
    int admitted;
    int inFlight;
    /** When the current READY period began; null while not ready. */
    Instant readySince;
    /** Whether a request was handed this instance since it became ready (minimum residency ends then). */
    boolean servedSinceReady;
    /** End of the last request (TTL counts from there). */
    Instant lastUse;
    /** Last grant, for most-recently-used ordering after a reload. */
    Instant lastGrant;
    /**
     * A TTL or unload stop was asked for and the model has not stopped yet: don't ask again every tick, and don't
     * hand the instance on its way out to a new request (the process reports STOPPING only a moment later).
     */
    boolean stopIssued;
    Retire retire = Retire.NONE;
    Instant retireDeadline;
    boolean retireStopIssued;

    ModelBook(String model) {
        this.model = model;
    }

    void becameReady(Instant now) {
        readySince = now;
        servedSinceReady = false;
        stopIssued = false;
    }

    /** The start of the current idle period, for TTL. */
    Instant idleSince() {
        if (lastUse == null || (readySince != null && readySince.isAfter(lastUse))) {
            return readySince;
        }
        return lastUse;
    }

    /** Latest sign of use, for keeping the most recently used models after a reload. */
    Instant lastActivity() {
        Instant a = Instant.MIN;
        for (Instant t : new Instant[] {readySince, lastUse, lastGrant}) {
            if (t != null && t.isAfter(a)) {
                a = t;
            }
        }
        return a;
    }

    void startRetiring(Retire how, Instant deadline) {
        retire = how;
        retireDeadline = deadline;
        retireStopIssued = false;
    }

    void finishRetiring() {
        retire = Retire.NONE;
        retireDeadline = null;
        retireStopIssued = false;
    }

    /** Busy models first (requests in flight, or a swap to them under way), then by latest use, then by name. */
    static Comparator<ModelBook> mostRecentlyUsedFirst(SwapTable swaps) {
        return Comparator.<ModelBook, Boolean>comparing(b -> !(b.inFlight > 0 || swaps.get(b.model) != null))
                .thenComparing(ModelBook::lastActivity, Comparator.reverseOrder())
                .thenComparing(b -> b.model);
    }
}
