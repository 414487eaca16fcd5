package io.modelswap.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Load times learned from state changes, smoothed, kept apart for wakes; estimates capped below 100 %. */
class LoadTimesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final LoadTimes times = new LoadTimes(null);

    private void load(String model, ProcessState from, Instant start, Duration took, ProcessState end) {
        times.onStateChange(new StateChange(model, from, ProcessState.STARTING, start, "start"));
        times.onStateChange(new StateChange(model, ProcessState.STARTING, end, start.plus(took), "end"));
    }

    @Test
    void theFirstLoadIsLearnedAndLaterOnesAreSmoothed() {
        assertEquals(Optional.empty(), times.expected("m", false));
        load("m", ProcessState.STOPPED, T0, Duration.ofSeconds(10), ProcessState.READY);
        assertEquals(Optional.of(Duration.ofSeconds(10)), times.expected("m", false));
        load("m", ProcessState.STOPPED, T0.plusSeconds(100), Duration.ofSeconds(20), ProcessState.READY);
        assertEquals(Optional.of(Duration.ofSeconds(13)), times.expected("m", false)); // 0.7 * 10 + 0.3 * 20
    }

    @Test
    void failedLoadsTeachNothingAndWakesAreLearnedApart() {
        load("m", ProcessState.STOPPED, T0, Duration.ofSeconds(3), ProcessState.STOPPED);
        assertEquals(Optional.empty(), times.expected("m", false));
        load("m", ProcessState.SLEEPING, T0, Duration.ofMillis(800), ProcessState.READY);
        assertEquals(Optional.of(Duration.ofMillis(800)), times.expected("m", true));
        assertEquals(Optional.empty(), times.expected("m", false));
    }

    @Test
    void aLoadUnderWayIsEstimatedAndNeverShownDoneBeforeItIs() {
        load("m", ProcessState.STOPPED, T0, Duration.ofSeconds(20), ProcessState.READY);
        Instant start = T0.plusSeconds(60);
        times.onStateChange(new StateChange("m", ProcessState.STOPPED, ProcessState.STARTING, start, "start"));
        assertTrue(times.anyUnderWay());
        LoadProgress.Estimate early = times.estimate("m", start.plusSeconds(8)).orElseThrow();
        assertEquals(40, early.percent());
        assertEquals(12, early.secondsLeft());
        LoadProgress.Estimate late = times.estimate("m", start.plusSeconds(45)).orElseThrow();
        assertEquals(LoadProgress.CAP, late.fraction());
        assertEquals(0, late.secondsLeft());
        assertEquals("loading m: 40 % (about 12 s left)", io.modelswap.proxy.LoadingStreamText.describe("m", early));
        times.onStateChange(new StateChange("m", ProcessState.STARTING, ProcessState.READY, start.plusSeconds(9), "up"));
        assertEquals(Optional.empty(), times.estimate("m", start.plusSeconds(10)));
    }
}
