package io.modelswap.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogRingTest {

    @Test
    void keepsEverythingUnderTheBound() {
        LogRing ring = new LogRing(1024);
        ring.append("one");
        ring.append("two");
        assertEquals("one\ntwo\n", ring.history());
        assertEquals(List.of("one", "two"), ring.lines());
        assertEquals(8, ring.size());
    }

    @Test
    void theBoundIsInUtf8BytesWhateverTheScript() {
        // what /logs serves is UTF-8: the ring counts each line as those bytes plus its line break
        for (String line : List.of("plain", "déjà vu", "模型已加载", "tokens 🚀🚀 done", "")) {
            LogRing ring = new LogRing(1024);
            ring.append(line);
            assertEquals(line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1, ring.size(), line);
        }
        LogRing ring = new LogRing(20);
        ring.append("模型已加载"); // 16 bytes
        ring.append("模型"); // 7 more: the first goes
        assertEquals(List.of("模型"), ring.lines());
    }

    @Test
    void dropsTheOldestLinesPastTheBound() {
        LogRing ring = new LogRing(100);
        for (int i = 0; i < 100; i++) {
            ring.append(String.format("line %04d", i)); // 10 bytes with its line break
        }
        assertEquals(100, ring.size());
        assertEquals(10, ring.lines().size());
        assertEquals("line 0090", ring.lines().get(0));
        assertEquals("line 0099", ring.lines().get(9));
        assertTrue(ring.history().length() <= 100);
    }

    @Test
    void boundCountsUtf8Bytes() {
        LogRing ring = new LogRing(20);
        ring.append("ééééé"); // 10 bytes + 1
        ring.append("ééééé");
        assertEquals(List.of("ééééé"), ring.lines());
        assertTrue(ring.size() <= 20);
    }

    @Test
    void aLineLongerThanTheBoundKeepsItsEnd() {
        LogRing ring = new LogRing(10);
        ring.append("0123456789abcdef");
        assertEquals(List.of("789abcdef"), ring.lines());
        assertTrue(ring.size() <= 10);
    }

    @Test
    void tailReturnsTheLastLines() {
        LogRing ring = new LogRing();
        for (int i = 0; i < 5; i++) {
            ring.append("l" + i);
        }
        assertEquals(List.of("l3", "l4"), ring.tail(2));
        assertEquals(5, ring.tail(50).size());
    }

    @Test
    void listenersGetNewLinesUntilUnsubscribed() {
        LogRing ring = new LogRing();
        List<String> seen = new ArrayList<>();
        ring.append("before");
        Runnable unsubscribe = ring.subscribe(seen::add);
        ring.append("a");
        ring.append("b");
        unsubscribe.run();
        ring.append("c");
        assertEquals(List.of("a", "b"), seen);
    }

    @Test
    void aListenerThatThrowsIsRemovedAndOthersStillGetLines() {
        LogRing ring = new LogRing();
        List<String> failing = new ArrayList<>();
        List<String> good = new ArrayList<>();
        ring.subscribe(line -> {
            failing.add(line);
            throw new IllegalStateException("client went away");
        });
        ring.subscribe(good::add);
        ring.append("a");
        ring.append("b");
        assertEquals(List.of("a"), failing);
        assertEquals(List.of("a", "b"), good);
        assertEquals(List.of("a", "b"), ring.lines());
    }

    @Test
    void subscribeWithHistoryReplaysThenFollows() {
        LogRing ring = new LogRing();
        ring.append("old1");
        ring.append("old2");
        List<String> seen = new ArrayList<>();
        ring.subscribeWithHistory(seen::add);
        ring.append("new");
        assertEquals(List.of("old1", "old2", "new"), seen);
    }
}
