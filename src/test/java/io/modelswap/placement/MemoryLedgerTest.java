package io.modelswap.placement;

import static io.modelswap.config.ByteSize.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.config.ConfigLoader;
import io.modelswap.config.SwapConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.process.StateChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the ledger learns: GPUs and foreign memory from readings, observed peaks, smoothed reload times. */
class MemoryLedgerTest {

    private final AtomicReference<MemoryView> shown = new AtomicReference<>();
    private final MemoryLedger ledger = new MemoryLedger(shown::set);

    private static SwapConfig config(String yaml) {
        return new ConfigLoader(name -> null).parse("config.yaml", yaml).config().orElseThrow();
    }

    private static final String TWO_MODELS = """
            resources: {reserve: 1GiB}
            models:
              a:
                cmd: server --port ${PORT}
                resources: {memory: 10GiB}
              b:
                cmd: server --port ${PORT}
            """;

    @Test
    void gpusComeFromTheReadingWhenNoneAreDeclared() {
        ledger.configure(config(TWO_MODELS), List.of());
        assertFalse(ledger.picture().enabled(), "no GPU known yet");
        ledger.sample(new GpuSample(List.of(new GpuSample.Gpu(0, 24 * GIB, 9 * GIB)),
                Map.of("a", Map.of(0, 6 * GIB))));
        MemoryPicture p = ledger.picture();
        assertEquals(List.of(new GpuMemory(0, 24 * GIB, 3 * GIB)), p.gpus(), "9 used, 6 of them a's: 3 foreign");
        assertEquals(new ModelNeed(10 * GIB, ModelNeed.Source.DECLARED, List.of()), p.need("a"),
                "the declared figure wins while it is larger");
        MemoryView.Gpu g = shown.get().gpus().get(0);
        assertEquals(new MemoryView.Gpu(0, 24 * GIB, 9 * GIB, 15 * GIB, GIB, 3 * GIB), g);
    }

    @Test
    void theObservedPeakIsKeptAndWinsWhenLarger() {
        ledger.configure(config(TWO_MODELS), List.of());
        ledger.sample(new GpuSample(List.of(new GpuSample.Gpu(0, 24 * GIB, 12 * GIB)),
                Map.of("a", Map.of(0, 12 * GIB), "b", Map.of(0, 0L))));
        ledger.sample(new GpuSample(List.of(new GpuSample.Gpu(0, 24 * GIB, 5 * GIB)),
                Map.of("a", Map.of(0, 5 * GIB), "b", Map.of(0, 0L))));
        assertEquals(new ModelNeed(12 * GIB, ModelNeed.Source.OBSERVED, List.of()), ledger.picture().need("a"));
        assertEquals(ModelNeed.Source.UNKNOWN, ledger.picture().need("b").source());
        MemoryView.Model a = shown.get().model("a");
        assertEquals(10 * GIB, a.declared());
        assertEquals(12 * GIB, a.observed());
        assertEquals("observed", a.source());

        ledger.configure(config(TWO_MODELS), Set.of("a"));
        assertEquals(ModelNeed.Source.DECLARED, ledger.picture().need("a").source(),
                "a changed definition: its old peak is forgotten");
    }

    @Test
    void reloadTimesAreLearnedFromStartToReadyAndSmoothed() {
        ledger.configure(config(TWO_MODELS), List.of());
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        load("a", t0, 10_000);
        assertEquals(10_000L, ledger.picture().reloadCosts().get("a"));
        load("a", t0.plusSeconds(100), 20_000);
        assertEquals(13_000L, ledger.picture().reloadCosts().get("a"), "0.7 x 10 s + 0.3 x 20 s");
        assertEquals("reloads in 13 s", ledger.picture().costWords("a"));
        assertTrue(ledger.picture().costWords("b").contains("unknown"));
    }

    private void load(String model, Instant at, long ms) {
        ledger.stateChanged(new StateChange(model, ProcessState.STOPPED, ProcessState.STARTING, at, "asked"));
        ledger.stateChanged(new StateChange(model, ProcessState.STARTING, ProcessState.READY, at.plusMillis(ms), "ok"));
        ledger.stateChanged(new StateChange(model, ProcessState.READY, ProcessState.STOPPING, at.plusMillis(ms + 1),
                "x"));
    }
}
