package io.modelswap.process;

import java.util.Locale;

import io.modelswap.config.ModelConfig;

/**
 * The words of a failed start, for the client whose request waited for it, the log and the model's activity: each
 * says what went wrong and what to do about it. Kept apart from {@link ModelProcess}, which decides when a start
 * fails; this only says so.
 */
final class StartFailures {

    /** Output lines quoted in an EXITED error (stack frames left out, see {@link LastWords}). */
    static final int EXIT_LOG_LINES = 10;
    /** Output lines searched for those to quote: enough for a long stack trace after the error it follows. */
    static final int EXIT_OUTPUT_SCANNED = 300;

    private StartFailures() {
    }

    static StartFailedException of(ModelConfig config, StartFailedException.Kind kind, String message) {
        return new StartFailedException(config.id(), kind, message);
    }

    /** The command could not be split or spawned. */
    static String notSpawned(ModelConfig config, Exception e) {
        String advice = e instanceof IllegalArgumentException ? "Fix the quoting of cmd"
                : "Check that the program in cmd exists and is executable";
        return "model " + config.id() + " could not be started: " + e.getMessage() + ". " + advice + " (cmd: "
                + config.cmd().strip() + ")";
    }

    /** The health check never answered 200 within the model's timeout. */
    static String notReady(ModelConfig config, int seconds, String healthUrl, Throwable last) {
        return "model " + config.id() + " was not ready after " + seconds + "s: GET " + healthUrl
                + " never answered 200 (last: " + last.getMessage() + "). If it loads slowly raise"
                + " healthCheckTimeout; otherwise check that proxy and checkEndpoint match the address the server"
                + " listens on";
    }

    /** The process exited while starting: its last words, quoted. */
    static String exited(ModelConfig config, int code, LogRing logs) {
        return "model " + config.id() + " exited with code " + code + " while starting. Check its cmd and the"
                + " output below (all of it is under /logs):\n"
                + String.join("\n", LastWords.of(logs.tail(EXIT_OUTPUT_SCANNED), EXIT_LOG_LINES));
    }

    /** Another process answered the health check on the model's port. */
    static String portTaken(ModelConfig config, String squatter) {
        return "model " + config.id() + " cannot be served: " + squatter + ". Its health check was answered by that"
                + " process; stop it, or give the model another port (proxy, or ${PORT})";
    }

    /** The start was stopped before it finished. */
    static String aborted(ModelConfig config, String reason) {
        return "model " + config.id() + " was stopped while starting (" + reason + "); retry the request";
    }

    /** The reason a failed start's run ends with, for its transition to STOPPED. */
    static String endReason(StartFailedException.Kind kind) {
        return "start failed: " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
