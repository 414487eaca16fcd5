package io.modelswap.router.scheduler;

import io.modelswap.matrix.MatrixProgram;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MatrixSwapperTest {

    private static MatrixSwapper swapper() throws Exception {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("chat", "(a | b) & e");
        sets.put("solo", "c");
        return new MatrixSwapper(MatrixProgram.compile(Map.of(), Map.of(), sets,
                List.of("a", "b", "c", "e")));
    }

    @Test
    void evictsConflictingModelsInSortedOrder() throws Exception {
        assertEquals(List.of("a", "b", "e"), swapper().evictionFor("c", List.of("e", "b", "a")));
    }

    @Test
    void coexistingModelsStay() throws Exception {
        assertEquals(List.of(), swapper().evictionFor("e", List.of("a")));
    }

    @Test
    void runningTargetNeedsNoEviction() throws Exception {
        assertEquals(List.of(), swapper().evictionFor("a", List.of("a", "b")));
    }

    @Test
    void thePlanNamesTheChosenSet() throws Exception {
        SwapPlan plan = swapper().plan("b", List.of(Resident.named("a"), Resident.named("e")));
        assertEquals(List.of("a"), plan.evict());
        assertEquals("matrix set \"chat\" (cost 1)", plan.ruleFor("a"));
    }
}
