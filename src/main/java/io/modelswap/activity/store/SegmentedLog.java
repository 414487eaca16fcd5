package io.modelswap.activity.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * An append-only log of text lines in a directory of segment files ({@code activity-<first id>.jsonl}, one line per
 * record): a segment is closed once it reaches {@code segmentBytes}, and whole segments are deleted, oldest first,
 * while the log exceeds {@code maxBytes} or their last write is older than {@code maxAge}. Writing always starts a
 * new segment, so a line torn by a crash stays the last of its segment (its reader skips what does not parse).
 * Not thread-safe: one writer.
 */
final class SegmentedLog implements AutoCloseable {

    static final String PREFIX = "activity-";
    static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final long segmentBytes;
    private final long maxBytes;
    private final Duration maxAge;
    private final Clock clock;
    private FileChannel current;
    private Path currentPath;
    private long currentSize;

    SegmentedLog(Path dir, long segmentBytes, long maxBytes, Duration maxAge, Clock clock) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one line (no newline in it) whose record has {@code id}; opens a new segment when needed. */
    void append(long id, String line) throws IOException {
        if (current == null || currentSize >= segmentBytes) {
            roll(id);
        }
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            currentSize += current.write(bytes);
        }
    }

    /** The last {@code max} lines of the log, oldest first (reading whole segments, newest first, until enough). */
    List<String> newest(int max) throws IOException {
        List<String> out = new ArrayList<>();
        List<Path> segments = segments();
        for (int i = segments.size() - 1; i >= 0 && out.size() < max; i--) {
            List<String> lines = Files.readAllLines(segments.get(i), StandardCharsets.UTF_8);
            for (int j = lines.size() - 1; j >= 0 && out.size() < max; j--) {
                if (!lines.get(j).isBlank()) {
                    out.add(lines.get(j));
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** Segment files, oldest first. */
    List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
            }).sorted().toList();
        }
    }

    /** Deletes segments beyond the size and age bounds, oldest first; never the one being written. */
    void enforceRetention() throws IOException {
        List<Path> segments = new ArrayList<>(segments());
        long total = 0;
        for (Path p : segments) {
            total += Files.size(p);
        }
        long oldestAllowed = clock.millis() - maxAge.toMillis();
        for (Path p : segments) {
            if (p.equals(currentPath)) {
                break;
            }
            long size = Files.size(p);
            if (total > maxBytes || Files.getLastModifiedTime(p).toMillis() < oldestAllowed) {
                Files.deleteIfExists(p);
                total -= size;
            }
        }
    }

    /** Forces what was written to the disk. */
    void sync() throws IOException {
        if (current != null) {
            current.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.force(false);
            current.close();
            current = null;
        }
    }

    private void roll(long firstId) throws IOException {
        close();
        currentPath = dir.resolve(PREFIX + String.format("%020d", firstId) + SUFFIX);
        current = FileChannel.open(currentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        currentSize = current.size();
        enforceRetention();
    }
}
