package io.modelswap.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLedgerTest {

    @TempDir
    Path dir;

    private static Process wrapper(long marker) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "sleep " + marker + " & wait").start();
        String m = Long.toString(marker);
        await().atMost(Duration.ofSeconds(5)).until(() -> SwapCycleTest.marked(m).size() == 2); // the shell and its sleep
        return p;
    }

    @Test
    void recordsAndForgetsRunsAtomicallyInTheFile() throws Exception {
        Path file = dir.resolve("sub/state");
        ProcessLedger ledger = ProcessLedger.at(file);
        ledger.claim();
        ProcessLedger.Contents empty = ProcessLedger.read(file);
        assertEquals(ProcessHandle.current().pid(), empty.owner().orElseThrow().pid());
        assertEquals(List.of(), empty.processes());

        long run = ledger.open();
        ledger.record(run, "alpha", List.of(ProcessHandle.current()));
        ProcessLedger.Entry entry = ProcessLedger.read(file).processes().get(0);
        assertEquals("alpha", entry.model());
        assertTrue(ProcessLedger.live(entry).isPresent(), "same pid and start time: the live process");

        ledger.close(run);
        assertEquals(List.of(), ProcessLedger.read(file).processes());
        ledger.record(run, "alpha", List.of(ProcessHandle.current()));
        assertEquals(List.of(), ProcessLedger.read(file).processes(), "a record after the reap is dropped");
    }

    @Test
    void stopsALeftoverAndItsChildrenButNeverAReusedPid() throws Exception {
        long marker = 7_400_000_000L + ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        Process leftover = wrapper(marker);
        Process stranger = wrapper(marker + 1);
        try {
            long leftoverStart = ProcessLedger.startMillis(leftover.toHandle());
            long strangerStart = ProcessLedger.startMillis(stranger.toHandle());
            List<ProcessLedger.Entry> entries = List.of(
                    new ProcessLedger.Entry(leftover.pid(), leftoverStart, "alpha"),
                    // the pid exists, but it started at another time: a reused pid, someone else's process
                    new ProcessLedger.Entry(stranger.pid(), strangerStart - 10_000, "beta"));

            assertEquals(2, ProcessLedger.stopLeftovers(entries, Duration.ofSeconds(2)), "the shell and its sleep");

            await().atMost(Duration.ofSeconds(5)).until(() -> !leftover.isAlive());
            assertEquals(List.of(), SwapCycleTest.marked(Long.toString(marker)), "its child is stopped too");
            assertTrue(stranger.isAlive(), "a reused pid is never touched");
            assertEquals(2, SwapCycleTest.marked(Long.toString(marker + 1)).size());
        } finally {
            stranger.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            stranger.destroyForcibly();
            leftover.destroyForcibly();
        }
    }

    @Test
    void aRecordedSessionStopsEveryMemberEvenOnesForkedAwayFromTheLeader() throws Exception {
        long marker = 7_500_000_000L + ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        Process leader = new ProcessBuilder(ProcessSessions.inOwnSession(List.of("sh", "-c",
                "( exec sleep " + marker + " & ) ; exec sleep " + (marker + 1)))).start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> SwapCycleTest.marked(Long.toString(marker)).size() == 1
                    && SwapCycleTest.marked(Long.toString(marker + 1)).size() == 1);
            long orphan = SwapCycleTest.marked(Long.toString(marker)).get(0);
            assertFalse(leader.toHandle().descendants().anyMatch(d -> d.pid() == orphan));
            ProcessLedger.Contents contents = new ProcessLedger.Contents(Optional.empty(), List.of(),
                    List.of(new ProcessLedger.Entry(leader.pid(), ProcessLedger.startMillis(leader.toHandle()), "a")));
            assertFalse(ProcessLedger.stale(contents), "its session still runs");

            assertEquals(2, ProcessLedger.stopLeftovers(contents, Duration.ofSeconds(2)));
            await().atMost(Duration.ofSeconds(5)).until(() -> !leader.isAlive());
            assertEquals(List.of(), SwapCycleTest.marked(Long.toString(marker)), "the forked-away sleep is stopped");
            assertTrue(ProcessLedger.stale(contents), "nothing of it is left");
        } finally {
            leader.destroyForcibly();
        }
    }

    @Test
    void theFileIsRemovedAtExitOnlyWhenNothingItListsRuns() throws Exception {
        Path file = dir.resolve("state");
        ProcessLedger ledger = ProcessLedger.at(file);
        ledger.claim();
        long run = ledger.open();
        ledger.record(run, "alpha", List.of(ProcessHandle.current()));
        assertFalse(ledger.removeIfNothingRuns(), "a recorded process still runs");
        assertTrue(Files.exists(file));

        ledger.close(run);
        assertTrue(ledger.removeIfNothingRuns());
        assertFalse(Files.exists(file));
        ledger.record(ledger.open(), "alpha", List.of(ProcessHandle.current()));
        assertFalse(Files.exists(file), "nothing is written after the removal");
    }
}
