package io.modelswap.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Durations spelled as Go's time.Duration.String() spells them (the values are Go's own outputs). */
class GoDurationTest {

    @Test
    void spellsDurationsAsGoDoes() {
        assertEquals("0s", GoDuration.of(0));
        assertEquals("999ns", GoDuration.of(999));
        assertEquals("11.05µs", GoDuration.of(11_050));
        assertEquals("1ms", GoDuration.of(1_000_000));
        assertEquals("1.234567ms", GoDuration.of(1_234_567));
        assertEquals("2.5s", GoDuration.of(2_500_000_000L));
        assertEquals("1m0s", GoDuration.of(60_000_000_000L));
        assertEquals("1m2.000000001s", GoDuration.of(62_000_000_001L));
        assertEquals("1h0m0s", GoDuration.of(3_600_000_000_000L));
    }

    @Test
    void skipsThePolledPathsOnly() {
        assertTrue(AccessLogRoute.skipped("/metrics"));
        assertTrue(AccessLogRoute.skipped("/api/performance"));
        assertTrue(AccessLogRoute.skipped("/wol-health"));
        assertTrue(AccessLogRoute.skipped("/api/hardware"));
        assertFalse(AccessLogRoute.skipped("/v1/chat/completions"));
        assertFalse(AccessLogRoute.skipped("/running"));
    }
}
