package io.modelswap.failure;

import java.util.Objects;

/**
 * A request for a model ended without being served, for {@link #cause()}. The message names the model and, where there
 * is one, what the operator can do. Thrown into futures, never up a stack: it records no stack trace.
 */
public class ServeFailure extends RuntimeException {

    private final FailureCause cause;
    private final String model;

    public ServeFailure(FailureCause cause, String model, String message) {
        super(message, null, false, false);
        this.cause = Objects.requireNonNull(cause, "cause");
        this.model = model;
    }

    /** Why: the one typed cause every layer shows. */
    public FailureCause failureCause() {
        return cause;
    }

    public String model() {
        return model;
    }
}
