package io.modelswap.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The recent output of one upstream: a history bounded by bytes (the oldest lines are dropped first) plus live
 * listeners. Thread-safe; the writer is the thread draining the upstream's stdout.
 * <p>
 * Listeners run on the writer's thread and must not block (hand the line to an event loop, a queue...): a slow
 * listener would slow the drain and, through the pipe, the upstream. A listener that throws is removed.
 */
public final class LogRing {

    /** History kept by default: 100 KiB, about the last thousand lines of a llama-server. */
    public static final int DEFAULT_MAX_BYTES = 100 * 1024;

    private final int maxBytes;
    /** A kept line and its cost, counted once. */
    private record Kept(String line, long cost) {
    }

    private final ArrayDeque<Kept> lines = new ArrayDeque<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private long bytes;

    public LogRing() {
        this(DEFAULT_MAX_BYTES);
    }

    public LogRing(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Adds one line (without its line break); a line longer than the whole bound keeps only its end. */
    public void append(String line) {
        Kept kept = fit(line);
        synchronized (this) {
            lines.addLast(kept);
            bytes += kept.cost();
            while (bytes > maxBytes && lines.size() > 1) {
                bytes -= lines.removeFirst().cost();
            }
            for (Consumer<String> listener : listeners) {
                deliver(listener, kept.line());
            }
        }
    }

    /** The kept lines, oldest first, each ending with a line break. */
    public synchronized String history() {
        StringBuilder b = new StringBuilder((int) Math.min(bytes, Integer.MAX_VALUE));
        for (Kept kept : lines) {
            b.append(kept.line()).append('\n');
        }
        return b.toString();
    }

    /** The kept lines, oldest first. */
    public synchronized List<String> lines() {
        List<String> all = new ArrayList<>(lines.size());
        for (Kept kept : lines) {
            all.add(kept.line());
        }
        return all;
    }

    /** The last {@code n} kept lines, oldest first. */
    public synchronized List<String> tail(int n) {
        List<String> all = lines();
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** Bytes of history kept (UTF-8, counting one line break per line). */
    public synchronized long size() {
        return bytes;
    }

    /** Calls {@code listener} with every line appended from now on; returns what unsubscribes it. */
    public Runnable subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Replays the history to {@code listener}, then calls it with every later line, with no line lost or repeated
     * in between; returns what unsubscribes it.
     */
    public synchronized Runnable subscribeWithHistory(Consumer<String> listener) {
        for (Kept kept : lines) {
            if (!deliver(listener, kept.line())) {
                return () -> { };
            }
        }
        return subscribe(listener);
    }

    private boolean deliver(Consumer<String> listener, String line) {
        try {
            listener.accept(line);
            return true;
        } catch (RuntimeException e) {
            listeners.remove(listener);
            return false;
        }
    }

    private Kept fit(String line) {
        long cost = cost(line);
        if (cost <= maxBytes) {
            return new Kept(line, cost);
        }
        // Rare (a progress bar without line breaks): keep the end, measured in chars, which is at least as strict.
        String end = line.substring(Math.max(0, line.length() - (maxBytes - 1)));
        return new Kept(end, cost(end));
    }

    /**
     * The line's UTF-8 length plus its line break, counted without encoding it: every proxied request logs a line, and
     * encoding it three times (to fit it, in and out of the ring) was 4 % of the bytes a request allocated.
     */
    static long cost(String line) {
        long bytes = 1;
        for (int i = 0, n = line.length(); i < n; i++) {
            char c = line.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(line.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // a lone surrogate is encoded as '?', one byte, by getBytes; 3 over-counts, which is safe
            }
        }
        return bytes;
    }
}
