package io.modelswap.metrics;

import java.util.List;

/**
 * Where finished requests are kept beyond memory, so that activity survives a restart ({@code store.path}). The
 * implementation lives in {@code io.modelswap.activity.store}; {@link ActivityLog} only appends to it and, once at
 * startup, reads the newest rows back.
 */
public interface ActivityArchive {

    /** The newest rows held, at most {@code max}, oldest first. */
    List<ActivityLog.Entry> newest(int max);

    /** The highest id ever held (0 when none), so that ids keep increasing across restarts. */
    long highestId();

    /** Keeps {@code entry}; called on the request's thread, so it must not wait for a disk. */
    void append(ActivityLog.Entry entry);
}
