package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code ${PORT}} is handed out at startup and on a reload (issue 12, point 2). */
class PortAllocatorTest {

    @Test
    void atStartupPortsFollowSortedModelIdsAsInLlamaSwap() {
        assertEquals(Map.of("a", 5800, "b", 5801, "c", 5802),
                PortAllocator.allocate(List.of("a", "b", "c"), Map.of(), 5800));
    }

    @Test
    void aNewModelThatSortsFirstDoesNotShiftTheOthers() {
        Map<String, Integer> before = PortAllocator.allocate(List.of("m", "z"), Map.of(), 5800);
        assertEquals(Map.of("a", 5802, "m", 5800, "z", 5801),
                PortAllocator.allocate(List.of("a", "m", "z"), before, 5800));
    }

    @Test
    void aRemovedModelsPortIsNotHandedToANewModelInTheSameReload() {
        // b may still be draining on 5801
        assertEquals(Map.of("a", 5800, "c", 5802, "n", 5803),
                PortAllocator.allocate(List.of("a", "c", "n"), Map.of("a", 5800, "b", 5801, "c", 5802), 5800));
        // one reload later nothing holds it any more
        assertEquals(Map.of("a", 5800, "c", 5802, "n", 5803, "o", 5801),
                PortAllocator.allocate(List.of("a", "c", "n", "o"), Map.of("a", 5800, "c", 5802, "n", 5803), 5800));
    }

    @Test
    void newModelsFillGapsFromStartPortAndSkipHeldPorts() {
        assertEquals(Map.of("x", 5800, "y", 5802, "held", 5801),
                PortAllocator.allocate(List.of("held", "x", "y"), Map.of("held", 5801), 5800));
    }

    @Test
    void aKeptPortSurvivesAStartPortChange() {
        assertEquals(Map.of("a", 5800, "b", 7000),
                PortAllocator.allocate(List.of("a", "b"), Map.of("a", 5800), 7000));
    }

    @Test
    void portsEndAtTheLastTcpPort() {
        assertEquals(Map.of("a", 65_535), PortAllocator.allocate(List.of("a", "b"), Map.of(), 65_535));
    }
}
