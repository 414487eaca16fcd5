package io.modelswap.activity.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.metrics.ActivityLog;
import io.modelswap.metrics.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity log on disk: segments, the size and age bounds, torn lines, reading the newest rows back. */
class SegmentedLogTest {

    @TempDir
    Path dir;

    static String line(long id) {
        return ActivityCodec.encode(new ActivityLog.Entry(id, Instant.parse("2026-01-02T03:04:05Z"), "m", "/v1/x",
                "application/json", 200, 12, new Tokens(3, 4, 1, -1, -1, 50.5, 20.25), null));
    }

    @Test
    void rowsComeBackInOrderAcrossSegmentsAndAfterAReopen() throws Exception {
        try (SegmentedLog log = new SegmentedLog(dir, 500, 1 << 20, Duration.ofDays(1), Clock.systemUTC())) {
            for (long id = 1; id <= 20; id++) {
                log.append(id, line(id));
            }
            assertTrue(log.segments().size() > 2, "small segments: " + log.segments());
        }
        try (SegmentedLog reopened = new SegmentedLog(dir, 500, 1 << 20, Duration.ofDays(1), Clock.systemUTC())) {
            List<String> last = reopened.newest(5);
            assertEquals(List.of(16L, 17L, 18L, 19L, 20L), last.stream().map(l -> ActivityCodec.decode(l).id()).toList());
            ActivityLog.Entry row = ActivityCodec.decode(last.get(0));
            assertEquals(new Tokens(3, 4, 1, -1, -1, 50.5, 20.25), row.tokens());
            assertEquals(Instant.parse("2026-01-02T03:04:05Z"), row.timestamp());
        }
    }

    @Test
    void theOldestSegmentsGoOnceTheLogOutgrowsItsSize() throws Exception {
        long maxBytes = 2000;
        try (SegmentedLog log = new SegmentedLog(dir, 500, maxBytes, Duration.ofDays(1), Clock.systemUTC())) {
            for (long id = 1; id <= 100; id++) {
                log.append(id, line(id));
            }
            long total = 0;
            for (Path p : log.segments()) {
                total += Files.size(p);
            }
            // retention runs when a segment is opened: at most one segment beyond the bound
            assertTrue(total <= maxBytes + 500 + line(100).length() + 1, total + " bytes on disk");
            List<String> all = log.newest(1000);
            assertEquals(100L, ActivityCodec.decode(all.get(all.size() - 1)).id());
            assertTrue(ActivityCodec.decode(all.get(0)).id() > 1, "the oldest rows are gone");
        }
    }

    @Test
    void segmentsOlderThanTheMaximumAgeGo() throws Exception {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        try (SegmentedLog log = new SegmentedLog(dir, 200, 1 << 20, Duration.ofDays(30), clock)) {
            for (long id = 1; id <= 6; id++) {
                log.append(id, line(id));
            }
            List<Path> segments = new ArrayList<>(log.segments());
            Files.setLastModifiedTime(segments.get(0), FileTime.from(now.minus(Duration.ofDays(31))));
            log.enforceRetention();
            assertEquals(segments.size() - 1, log.segments().size());
            assertTrue(!Files.exists(segments.get(0)));
        }
    }

    @Test
    void aLineTornByACrashIsSkipped() throws Exception {
        try (SegmentedLog log = new SegmentedLog(dir, 1 << 20, 1 << 20, Duration.ofDays(1), Clock.systemUTC())) {
            log.append(1, line(1));
            log.append(2, line(2));
        }
        Path segment = new SegmentedLog(dir, 1 << 20, 1 << 20, Duration.ofDays(1), Clock.systemUTC()).segments().get(0);
        String torn = line(3).substring(0, 30);
        Files.writeString(segment, torn, StandardOpenOption.APPEND);
        List<String> lines = new SegmentedLog(dir, 1 << 20, 1 << 20, Duration.ofDays(1), Clock.systemUTC()).newest(10);
        assertEquals(3, lines.size());
        assertNull(ActivityCodec.decode(lines.get(2)));
        assertEquals(2L, ActivityCodec.decode(lines.get(1)).id());
    }

    @Test
    void aFailoverRowKeepsTheTargetThatServedItAndAnOlderLineReadsWithoutOne() {
        ActivityLog.Entry row = ActivityCodec.decode(ActivityCodec.encode(new ActivityLog.Entry(7, Instant.EPOCH, "fo",
                "/v1/chat/completions", "application/json", 200, 12, Tokens.NONE, null, "gpu-b/remote-x")));
        assertEquals("fo", row.model());
        assertEquals("gpu-b/remote-x", row.servedBy());
        // a line written before served_by existed
        assertNull(ActivityCodec.decode(line(8).replace(",\"served_by\":null", "")).servedBy());
    }

    @Test
    void aWebsocketRowKeepsItsBytesAndAnOlderLineReadsWithoutThem() {
        ActivityLog.Entry row = ActivityCodec.decode(ActivityCodec.encode(new ActivityLog.Entry(9, Instant.EPOCH, "ws",
                "/upstream/ws/x", "", 101, 1500, Tokens.NONE, null, null, null, new ActivityLog.WebSocketBytes(5, 42))));
        assertEquals(new ActivityLog.WebSocketBytes(5, 42), row.websocket());
        assertNull(ActivityCodec.decode(line(10).replace(",\"ws_in\":null,\"ws_out\":null", "")).websocket());
    }
}
