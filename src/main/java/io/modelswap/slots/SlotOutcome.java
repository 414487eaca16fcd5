package io.modelswap.slots;

import java.time.Duration;

/**
 * One slot save or restore and how it went, for metrics and logs.
 *
 * @param restore   true for a restore, false for a save
 * @param slot      the slot id
 * @param succeeded whether llama-server did it
 * @param took      how long the call took
 * @param detail    the file, or why it failed
 */
public record SlotOutcome(boolean restore, int slot, boolean succeeded, Duration took, String detail) {
}
