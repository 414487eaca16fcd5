package io.modelswap.process;

import io.modelswap.bus.LocalCodec;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.SleepConfig;
import io.modelswap.process.sleep.SleepActions;
import io.modelswap.slots.SlotKeeper;
import io.modelswap.slots.SlotOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The steps one model's {@link ModelProcess} takes to make its swaps cheaper, each timed and published as a
 * {@link SwapStep}: sleep and wake calls ({@code sleep:}), slot saves and restores ({@code slots:}). Holds no state of
 * the owner's; the futures complete off the owner's context (the owner hops back).
 */
final class SwapSteps {

    private final ModelConfig config;
    private final Vertx vertx;

    SwapSteps(ModelConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    boolean canSleep() {
        return config.sleep() != null;
    }

    boolean keepsSlots() {
        return config.slots() != null;
    }

    /** Calls the model's sleep action on process {@code pid}. */
    Future<Void> sleep(long pid) {
        return timed(SwapStep.Kind.SLEEP, config.sleep().sleep(), pid);
    }

    /** Calls the model's wake action on process {@code pid}. */
    Future<Void> wake(long pid) {
        return timed(SwapStep.Kind.WAKE, config.sleep().wake(), pid);
    }

    /** Saves its slots (a no-op without {@code slots:}); always succeeds. */
    Future<Void> saveSlots() {
        return keepsSlots() ? SlotKeeper.saveAll(config, ProcessTree.BLOCKING, this::publish) : Future.succeededFuture();
    }

    /** Restores its slots (a no-op without {@code slots:}); always succeeds. */
    Future<Void> restoreSlots() {
        return keepsSlots() ? SlotKeeper.restoreAll(config, ProcessTree.BLOCKING, this::publish)
                : Future.succeededFuture();
    }

    /** Deletes its slot files: the model was removed from the configuration. */
    void deleteSlotFiles() {
        SlotKeeper.deleteFiles(config, ProcessTree.BLOCKING);
    }

    private Future<Void> timed(SwapStep.Kind kind, SleepConfig.Action action, long pid) {
        long began = System.nanoTime();
        return SleepActions.perform(action, config.proxy(), pid, config.sleep().timeout(), config.env(),
                ProcessTree.BLOCKING).andThen(ar -> publish(new SwapStep(config.id(), kind, ar.succeeded(),
                        Duration.ofNanos(System.nanoTime() - began),
                        ar.succeeded() ? action.describe() : ar.cause().getMessage())));
    }

    private void publish(SlotOutcome outcome) {
        publish(new SwapStep(config.id(), outcome.restore() ? SwapStep.Kind.SLOT_RESTORE : SwapStep.Kind.SLOT_SAVE,
                outcome.succeeded(), outcome.took(), outcome.detail()));
    }

    private void publish(SwapStep step) {
        vertx.eventBus().publish(SwapStep.ADDRESS, step, LocalCodec.LOCAL);
    }
}
