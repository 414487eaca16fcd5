package io.modelswap.router.scheduler;

/**
 * One request as the scheduler sees it.
 *
 * @param id    unique per request; the scheduler finds tickets again by it
 * @param model the resolved model ID (aliases already applied)
 */
public record Ticket(long id, String model) {
}
