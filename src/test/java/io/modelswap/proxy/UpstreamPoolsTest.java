package io.modelswap.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UpstreamPoolsTest {

    @Test
    void aPoolIsNeverSmallerThanTheModelsConcurrencyLimit() {
        assertEquals(16, UpstreamPools.sizeFor(0), "llama-swap's default limit of 10");
        assertEquals(16, UpstreamPools.sizeFor(10));
        assertEquals(128, UpstreamPools.sizeFor(64), "64 was once the cap for every model");
        assertEquals(1024, UpstreamPools.sizeFor(1000));
        for (int limit = 1; limit <= 5000; limit++) {
            int size = UpstreamPools.sizeFor(limit);
            assertTrue(size >= limit + UpstreamPools.HEADROOM, limit + " -> " + size);
            assertEquals(1, Integer.bitCount(size), "a power of two: " + size);
        }
        assertEquals(1 << 30, UpstreamPools.sizeFor(Integer.MAX_VALUE));
    }
}
