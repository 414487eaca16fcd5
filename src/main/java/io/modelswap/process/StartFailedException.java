package io.modelswap.process;

/**
 * Why {@link ModelProcess#ensureReady()} failed. The message names the model and says what to do; {@link #kind()}
 * lets callers pick a status code (e.g. 503 for {@code ABORTED}, 502 for the rest).
 */
public final class StartFailedException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The command could not be run: not found, not executable, or not splittable. */
        SPAWN_FAILED,
        /** The process exited while starting. */
        EXITED,
        /** The health check did not answer 200 within {@code healthCheckTimeout}. */
        HEALTH_TIMEOUT,
        /** Another process, not the model's, listens on the model's port and answered its health check. */
        PORT_TAKEN,
        /** A stop arrived while starting (unload, eviction, reload). */
        ABORTED,
        /** The process owner is shut down and starts nothing any more. */
        SHUT_DOWN
    }

    private final String model;
    private final Kind kind;

    public StartFailedException(String model, Kind kind, String message) {
        super(message, null, false, false);
        this.model = model;
        this.kind = kind;
    }

    public String model() {
        return model;
    }

    public Kind kind() {
        return kind;
    }
}
