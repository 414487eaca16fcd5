package io.modelswap.router.scheduler;

/**
 * One request as the scheduler sees it.
 *
 * @param id       unique per request; the scheduler finds tickets again by it
 * @param model    the resolved model ID (aliases already applied)
 * @param priority added to the model's queue priority (a scoped API key's {@code priority}; 0 for most requests)
 */
public record Ticket(long id, String model, int priority) {

    /** A ticket with no priority of its own. */
    public Ticket(long id, String model) {
        this(id, model, 0);
    }
}
