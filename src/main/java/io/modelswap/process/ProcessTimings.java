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
