package io.modelswap.router.scheduler;

/**
 * Why an admitted ticket ends without being granted its model.
 *
 * @param kind    the category the HTTP side maps to a status
 * @param message what an operator reads (for {@link Kind#START_FAILED}: the start error)
 */
public record Failure(Kind kind, String message) {

    public enum Kind { START_FAILED, UNLOADED, SHUTDOWN, MODEL_REMOVED, CANCELLED }
}
