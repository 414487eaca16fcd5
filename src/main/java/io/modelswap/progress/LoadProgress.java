package io.modelswap.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One step of a model's load, told to the requests waiting for it (the load endpoint streams them), with what is
 * needed to estimate how far a load has come at any later moment ({@link #estimate}).
 *
 * @param model    the model
 * @param from     the state left ({@code stopped}, {@code starting}, ...)
 * @param state    the state entered
 * @param reason   why, in words an operator can act on
 * @param since    when the state was entered
 * @param expected how long loads of this model (or wakes, for a wake) took lately; null when none was seen yet
 */
public record LoadProgress(String model, String from, String state, String reason, Instant since, Duration expected) {

    /** Progress shown never reaches this before the model is ready: an estimate is not a promise. */
    public static final double CAP = 0.95;

    /** A step without an estimate. */
    public LoadProgress(String model, String from, String state, String reason) {
        this(model, from, state, reason, null, null);
    }

    /** How far a load under way has come at {@code now}, when this step began one and its length can be guessed. */
    public Optional<Estimate> estimate(Instant now) {
        if (!"starting".equals(state) || since == null || expected == null || expected.isZero()) {
            return Optional.empty();
        }
        return Optional.of(Estimate.of(since, expected, now));
    }

    /**
     * An estimate of a load under way.
     *
     * @param fraction    0 to {@link #CAP}: time spent over the expected time, capped below 1 until the model is ready
     * @param secondsLeft the expected time left, at least 0
     */
    public record Estimate(double fraction, long secondsLeft) {

        public static Estimate of(Instant since, Duration expected, Instant now) {
            long elapsed = Math.max(0, Duration.between(since, now).toMillis());
            double fraction = Math.min(CAP, elapsed / (double) Math.max(1, expected.toMillis()));
            long left = Math.max(0, (expected.toMillis() - elapsed + 999) / 1000);
            return new Estimate(fraction, left);
        }

        /** Whole percent, for people. */
        public int percent() {
            return (int) Math.floor(fraction * 100);
        }
    }
}
