package io.modelswap.cli;

import io.modelswap.app.StartRefused;
import io.quarkus.runtime.QuarkusBindException;
import java.io.PrintStream;
import java.net.BindException;

/**
 * How modelswap ends when it cannot start: what a person can act on, on stderr, and an exit status a supervisor can
 * tell apart. Quarkus's own handling prints a stack trace for an invalid configuration and "kill -9" advice for a
 * port in use; modelswap says what is wrong and how to fix it instead.
 */
final class StartupFailure {

    /** A problem the user can fix (the configuration, a port in use); also the status of a bad command line. */
    static final int USER_ERROR = 2;
    /** Anything else: a bug, reported with its stack trace. */
    static final int INTERNAL_ERROR = 1;

    private StartupFailure() {
    }

    /** Prints what went wrong and returns the exit status to use. */
    static int report(Throwable failure, PrintStream err) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StartRefused refused) {
                err.println(refused.getMessage());
                return USER_ERROR;
            }
            if (t instanceof QuarkusBindException bind) {
                err.println(portInUse(bind.getHost() + ":" + bind.getPort(), Integer.toString(bind.getPort())));
                return USER_ERROR;
            }
            if (t instanceof BindException) {
                err.println(portInUse("its address", "PORT") + " (" + t.getMessage() + ")");
                return USER_ERROR;
            }
        }
        err.println("modelswap failed to start:");
        failure.printStackTrace(err);
        return INTERNAL_ERROR;
    }

    private static String portInUse(String address, String port) {
        return "modelswap cannot listen on " + address + ": the port is already in use by another process.\n"
                + "Stop the other process (ss -ltnp 'sport = :" + port + "' shows it), or start modelswap on a free"
                + " port with -listen :OTHER_PORT.";
    }
}
