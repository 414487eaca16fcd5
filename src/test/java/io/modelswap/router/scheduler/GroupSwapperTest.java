package io.modelswap.router.scheduler;

import io.modelswap.config.GroupConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupSwapperTest {

    private static GroupConfig group(String id, boolean swap, boolean exclusive, boolean persistent, String... members) {
        return new GroupConfig(id, swap, exclusive, persistent, List.of(members));
    }

    @Test
    void swappingGroupStopsItsOtherMember() {
        GroupSwapper s = new GroupSwapper(List.of(group("g", true, true, false, "a", "b")));
        assertEquals(List.of("a"), s.evictionFor("b", List.of("a")));
    }

    @Test
    void nonSwappingGroupLetsMembersRunTogether() {
        GroupSwapper s = new GroupSwapper(List.of(group("g", false, true, false, "a", "b", "c")));
        assertEquals(List.of(), s.evictionFor("c", List.of("a", "b")));
    }

    @Test
    void exclusiveGroupStopsOtherGroups() {
        GroupSwapper s = new GroupSwapper(List.of(group("g1", true, true, false, "a"),
                group("g2", false, false, false, "x", "y")));
        assertEquals(List.of("x", "y"), s.evictionFor("a", List.of("y", "x")));
    }

    @Test
    void nonExclusiveGroupsLoadSideBySide() {
        GroupSwapper s = new GroupSwapper(List.of(group("g1", true, false, false, "a"),
                group("g2", true, false, false, "x")));
        assertEquals(List.of(), s.evictionFor("a", List.of("x")));
    }

    @Test
    void persistentGroupIsNeverStoppedByAnotherGroup() {
        GroupSwapper s = new GroupSwapper(List.of(group("g1", true, true, false, "a"),
                group("p", true, false, true, "emb"), group("g2", true, false, false, "x")));
        assertEquals(List.of("x"), s.evictionFor("a", List.of("emb", "x")));
    }

    @Test
    void persistentGroupStillSwapsWithinItself() {
        GroupSwapper s = new GroupSwapper(List.of(group("p", true, false, true, "e1", "e2")));
        assertEquals(List.of("e1"), s.evictionFor("e2", List.of("e1")));
    }

    /** llama-swap's gotcha, kept on purpose: a non-exclusive target leaves even an exclusive group running. */
    @Test
    void nonExclusiveTargetDoesNotStopExclusiveGroup() {
        GroupSwapper s = new GroupSwapper(List.of(group("big", true, true, false, "a"),
                group("small", true, false, false, "x")));
        assertEquals(List.of(), s.evictionFor("x", List.of("a")));
        assertEquals(List.of("x"), s.evictionFor("a", List.of("x")));
    }

    @Test
    void defaultGroupRunsOneModelAtATime() {
        GroupSwapper s = new GroupSwapper(List.of(group(GroupConfig.DEFAULT_ID, true, true, false, "a", "b", "c")));
        assertEquals(List.of("a", "c"), s.evictionFor("b", List.of("c", "a", "b")));
    }

    @Test
    void modelInNoGroupRunsAlone() {
        GroupSwapper s = new GroupSwapper(List.of(group("g", false, false, false, "a", "b")));
        assertEquals(List.of("a", "b"), s.evictionFor("lonely", List.of("a", "b")));
    }

    @Test
    void targetNeverEvictsItselfAndDuplicatesCollapse() {
        GroupSwapper s = new GroupSwapper(List.of(group("g", true, true, false, "a", "b")));
        assertEquals(List.of("b"), s.evictionFor("a", List.of("a", "b", "b")));
        assertEquals(List.of(), s.evictionFor("a", List.of("a")));
    }

    @Test
    void modelInTwoGroupsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GroupSwapper(List.of(
                group("g1", true, true, false, "a"), group("g2", true, true, false, "a"))));
    }
}
