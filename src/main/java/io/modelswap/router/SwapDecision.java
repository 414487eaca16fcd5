package io.modelswap.router;

import java.time.Instant;
import java.util.List;

/**
 * One decision of the router's run loop that starts or stops models, published on {@link #ADDRESS} as it is taken
 * and again when its outcome is known (same {@code id}). Immutable; read by the swap history and the event stream.
 *
 * @param id          increasing from 1 per run loop
 * @param at          when the decision was taken
 * @param kind        {@code swap}: {@code model} is loaded, evicting what must make room; {@code stop}: the
 *                    {@code evicted} models are stopped for their own reason (TTL, unload, reload, ...)
 * @param model       the model a swap loads; null for a stop
 * @param evicted     what is stopped, each with why
 * @param queueWaitMs for a swap: how long its oldest waiting request had waited when the swap started
 * @param loadMs      for a swap whose outcome is known: from the decision to ready (or to the failure)
 * @param outcome     a swap: {@code loading}, then {@code ready}, {@code failed} or {@code cancelled}; a stop:
 *                    {@code stopping}
 * @param error       why a swap failed; null otherwise
 * @param note        a swap's line for a person beyond its evictions (the matrix's set and cost, memory-aware
 *                    placement's evictions or its advisory about pinned models); null when there is none
 */
public record SwapDecision(long id, Instant at, String kind, String model, List<Eviction> evicted, long queueWaitMs,
        Long loadMs, String outcome, String error, String note) {

    /** Event-bus address of every decision and every outcome. */
    public static final String ADDRESS = "modelswap.router.decision";

    public static final String SWAP = "swap";
    public static final String STOP = "stop";

    public SwapDecision {
        evicted = List.copyOf(evicted);
    }

    /**
     * One model stopped by a decision.
     *
     * @param model the model
     * @param cause {@code swap} (to make room), {@code ttl}, {@code unload}, {@code reload}, {@code cancelled}
     *              or {@code shutdown}: the label of {@code modelswap_evictions_total}
     * @param rule  the rule behind it, for a person: the group or matrix set for a swap
     *              ({@code group "g1" runs one member at a time}, {@code matrix set "standard" (cost 2)}), the TTL,
     *              the endpoint, ...
     */
    public record Eviction(String model, String cause, String rule) {
    }
}
