package io.modelswap.backend;

/**
 * One step of a model's load, told to the requests waiting for it (the load endpoint streams them).
 *
 * @param model  the model
 * @param from   the state left ({@code stopped}, {@code starting}, ...)
 * @param state  the state entered
 * @param reason why, in words an operator can act on
 */
public record LoadProgress(String model, String from, String state, String reason) {
}
