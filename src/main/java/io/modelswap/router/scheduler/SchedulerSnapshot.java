package io.modelswap.router.scheduler;

import java.time.Instant;
import java.util.Map;

/**
 * A read-only copy of the scheduler's counters, for the API and metrics.
 *
 * @param models      per model ID (configured models, plus removed ones still draining)
 * @param totalQueued tickets in the queue, all models together
 */
public record SchedulerSnapshot(Map<String, ModelLoad> models, int totalQueued) {

    public SchedulerSnapshot {
        models = Map.copyOf(models);
    }

    /**
     * @param queued   tickets in the queue
     * @param waiting  tickets waiting for this model's active swap
     * @param inFlight granted requests not yet done
     * @param admitted slots held: queued + waiting + in flight
     * @param swapping whether a swap to this model is active
     * @param idleSince while the model is ready with nothing in flight, when that idle period began (its TTL counts
     *                  from there); null otherwise
     */
    public record ModelLoad(int queued, int waiting, int inFlight, int admitted, boolean swapping, Instant idleSince) {

        public ModelLoad(int queued, int waiting, int inFlight, int admitted, boolean swapping) {
            this(queued, waiting, inFlight, admitted, swapping, null);
        }
    }
}
