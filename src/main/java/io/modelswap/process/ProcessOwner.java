package io.modelswap.process;

import io.modelswap.config.ModelConfig;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * The one owner of one model's process, as the router's run loop drives it (llama-swap's {@code process.go}): the loop
 * alone calls these, and the owner publishes a {@link StateChange} for every real transition. Every future completes
 * on the context of its caller, so the loop reads its own state in their callbacks without a lock.
 */
public interface ProcessOwner extends ProcessView {

    /**
     * Completes when the model is ready: at once if ready; starts it if stopped; joins the start under way; starts it
     * again after the stop under way. Fails with {@link StartFailedException}.
     */
    Future<Void> ensureReady();

    /**
     * Stops the process for {@code cause} (SIGTERM or {@code cmdStop}, SIGKILL after {@code grace}); idempotent; aborts
     * a start under way. {@code reason} is the whole text of the transition. Completes once the process is reaped.
     */
    Future<Void> stop(Duration grace, StopCause cause, String reason);

    /**
     * A request to the upstream was refused or lost before an answer: completes with true when the instance still
     * serves, false when it is gone (then it is stopped like a crash, and its state change follows).
     */
    Future<Boolean> upstreamRefused();

    /** Stops the process, then starts nothing any more. */
    Future<Void> shutdown(Duration grace);

    /** Releases what a stopped owner keeps between runs; for an owner a reload replaced or removed. */
    void close();

    /** Like {@link #close()}, for an owner whose model a reload removed: also deletes what it kept on disk. */
    default void discard() {
        close();
    }

    /** Makes the owner of a model's definition (the run loop's only way to get one, so tests can give fakes). */
    @FunctionalInterface
    interface Factory {
        ProcessOwner create(ModelConfig config);
    }
}
