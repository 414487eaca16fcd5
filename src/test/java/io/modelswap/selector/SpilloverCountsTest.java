package io.modelswap.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelswap.http.BadRequestException;
import io.modelswap.process.ProcessState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** llama-swap's spillover rules, driven with plain calls (its {@code selector_test.go} cases). */
class SpilloverCountsTest {

    private static final SpilloverCounts.Target A = new SpilloverCounts.Target("a", "a", true);
    private static final SpilloverCounts.Target B = new SpilloverCounts.Target("bee", "b", true);
    private static final SpilloverCounts.Target PEER = new SpilloverCounts.Target("p/m", "p/m", false);

    @Test
    void fillsTheFirstTargetUpToItsShareThenStartsTheNextThenBalances() {
        SpilloverCounts counts = new SpilloverCounts("s", 2, List.of(A, B));
        Map<String, ProcessState> none = Map.of();
        assertEquals(A, counts.reserve(none)); // nothing active: the first cold target
        assertEquals(A, counts.reserve(Map.of("a", ProcessState.STARTING)));
        assertEquals(B, counts.reserve(Map.of("a", ProcessState.READY))); // a is full: b is started
        Map<String, ProcessState> both = Map.of("a", ProcessState.READY, "b", ProcessState.READY);
        assertEquals(B, counts.reserve(both)); // b is the least busy
        assertEquals(2, counts.inFlight().get("a"));
        assertEquals(2, counts.inFlight().get("b"));
        SpilloverCounts.Target fifth = counts.reserve(both); // everyone full, nobody cold: least busy, in turn
        SpilloverCounts.Target sixth = counts.reserve(both);
        assertEquals(List.of(A, B), List.of(fifth, sixth));
        counts.release(A);
        counts.release(A);
        counts.release(A);
        assertEquals(A, counts.reserve(both));
    }

    @Test
    void stoppingTargetsAreSkippedAndNoneLeftIsA503() {
        SpilloverCounts counts = new SpilloverCounts("s", 1, List.of(A, B));
        assertEquals(B, counts.reserve(Map.of("a", ProcessState.STOPPING)));
        BadRequestException none = assertThrows(BadRequestException.class, () -> counts.reserve(Map.of(
                "a", ProcessState.STOPPING, "b", ProcessState.SHUTDOWN)));
        assertEquals(503, none.status());
    }

    @Test
    void aPeerTargetIsActiveOnlyWhileItHasRequests() {
        SpilloverCounts counts = new SpilloverCounts("s", 1, List.of(PEER, A));
        assertEquals(PEER, counts.reserve(Map.of()));
        assertEquals(A, counts.reserve(Map.of())); // the peer is full: the next cold target
        counts.release(PEER);
        assertEquals(PEER, counts.reserve(Map.of("a", ProcessState.READY)));
    }
}
