package io.modelswap.router.scheduler;

import java.util.List;

/**
 * An eviction policy's answer, as a value: the models to stop so that a target can run, each with the rule behind
 * it, and one line for the log. The scheduler acts on {@link #evict()}; the run loop logs and publishes the rest. No
 * policy keeps a "last decision" for anyone to read back.
 *
 * @param victims what must stop, in a deterministic order
 * @param summary a line for the log when something is stopped (the matrix's set and cost), or null
 * @param refusal why the target can never run here as things stand (it does not fit in GPU memory), said to its
 *                requests at once; null when it can
 */
public record SwapPlan(List<Victim> victims, String summary, String refusal) {

    /** Nothing needs to stop. */
    public static final SwapPlan NOTHING = new SwapPlan(List.of(), null);

    public SwapPlan(List<Victim> victims, String summary) {
        this(victims, summary, null);
    }

    /** The target cannot run: its requests fail with {@code why}. */
    public static SwapPlan refusing(String why) {
        return new SwapPlan(List.of(), null, why);
    }

    /**
     * One model to stop.
     *
     * @param model the model
     * @param rule  the rule behind it, for a person ({@code group "g1" runs one member at a time (swap: true)},
     *              {@code matrix set "standard" (cost 2)})
     */
    public record Victim(String model, String rule) {
    }

    public SwapPlan {
        victims = List.copyOf(victims);
    }

    /** Stops {@code models}, all for the same {@code rule}. */
    public static SwapPlan evicting(List<String> models, String rule, String summary) {
        return new SwapPlan(models.stream().map(m -> new Victim(m, rule)).toList(), summary);
    }

    /** The models to stop. */
    public List<String> evict() {
        return victims.stream().map(Victim::model).toList();
    }

    /** The rule behind stopping {@code model}; empty when it is not stopped by this plan. */
    public String ruleFor(String model) {
        for (Victim victim : victims) {
            if (victim.model().equals(model)) {
                return victim.rule();
            }
        }
        return "";
    }
}
