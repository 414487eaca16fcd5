package io.modelswap.app;

/**
 * modelswap must not start, for a reason the user can fix (an invalid configuration). Its message is printed as it
 * is, without a stack trace, and modelswap exits with status 2 (see {@code cli.StartupFailure}).
 *
 * <p>Not Quarkus's {@code PreventFurtherStepsException}: thrown from a startup observer, that one is swallowed by the
 * generated start code, which then leaves an application that neither serves nor exits.
 */
public final class StartRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StartRefused(String message) {
        super(message, null, false, false);
    }
}
