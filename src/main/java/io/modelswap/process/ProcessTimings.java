package io.modelswap.process;

import java.time.Duration;

/**
 * How a {@link ModelProcess} paces its health checks and stops. Tests shorten them; production uses
 * {@link #DEFAULTS}.
 *
 * @param healthPollInterval pause between two health probes (default 25 ms, so a model is marked ready within about
 *                           50 ms of its health check turning 200; llama-swap waits a whole second)
 * @param probeTimeout       longest one probe may take (default 1 s); never past the start deadline
 * @param firstProbeDelay    wait after spawning before the first probe (default 0)
 * @param killWait           how long to wait for exit after SIGKILL before giving up on reaping (default 5 s)
 */
public record ProcessTimings(Duration healthPollInterval, Duration probeTimeout, Duration firstProbeDelay,
        Duration killWait) {

    public static final ProcessTimings DEFAULTS = new ProcessTimings(Duration.ofMillis(25), Duration.ofSeconds(1),
            Duration.ZERO, Duration.ofSeconds(5));

    // The fixed pacing of a ModelProcess, the same in tests and production.
    /** Grace given to a process whose start failed (llama-swap uses the same 5 s). */
    static final Duration FAILED_START_GRACE = Duration.ofSeconds(5);
    /** How long to wait for the last output of a process that exited while starting, to quote it in the error. */
    static final Duration EXIT_OUTPUT_WAIT = Duration.ofMillis(250);
    /** How long a process whose server lost a connection but still listens is given to show that it is exiting. */
    static final Duration REFUSAL_EXIT_WAIT = Duration.ofSeconds(1);
    /**
     * How often the processes of a run are listed into the state file while it lives: what its command forks while
     * starting (or later) is recorded within this, so a modelswap killed mid-start leaves nothing unrecorded.
     */
    static final Duration TREE_RECORD_INTERVAL = Duration.ofSeconds(1);
    /** Used when the config gives no positive {@code healthCheckTimeout} (llama-swap's default). */
    static final int DEFAULT_HEALTH_TIMEOUT_SECONDS = 120;

    public ProcessTimings {
        requirePositive("healthPollInterval", healthPollInterval);
        requirePositive("probeTimeout", probeTimeout);
        requirePositive("killWait", killWait);
        if (firstProbeDelay == null || firstProbeDelay.isNegative()) {
            throw new IllegalArgumentException("firstProbeDelay must be >= 0, was " + firstProbeDelay);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + d);
        }
    }
}
