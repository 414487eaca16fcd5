package io.modelswap.config;

import java.nio.file.Path;

/**
 * KV-cache continuity for a llama-server upstream ({@code slots:} of a model): before the model is stopped or put to
 * sleep each slot holding a prompt cache is saved to a file ({@code POST /slots/{id}?action=save}), and after its
 * next start those files are restored ({@code ?action=restore}) before the first request is let through.
 *
 * @param path     the directory llama-server writes the files to: its {@code --slot-save-path}
 * @param maxFiles most files kept for the model; the oldest go first
 * @param maxBytes most bytes of files kept for the model; the oldest go first
 */
public record SlotsConfig(Path path, int maxFiles, long maxBytes) {

    /** Files kept when {@code slots.maxFiles} is not given: a few saves of a llama-server with 4 slots. */
    public static final int DEFAULT_MAX_FILES = 16;
    /** Bytes kept when {@code slots.maxSize} is not given: a long context of a big model takes gigabytes. */
    public static final long DEFAULT_MAX_BYTES = 10L << 30;
}
