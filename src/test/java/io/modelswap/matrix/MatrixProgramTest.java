package io.modelswap.matrix;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixProgramTest {

    private static final List<String> MODELS = List.of("llama", "qwen", "gemma", "embed", "rerank", "whisper");

    /** Keeps insertion order, as the config loader does. */
    private static Map<String, String> sets(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static MatrixProgram compile(Map<String, String> vars, Map<String, Integer> costs, Map<String, String> sets)
            throws MatrixException {
        return MatrixProgram.compile(vars, costs, sets, MODELS);
    }

    private static MatrixProgram compile(String... kv) throws MatrixException {
        return compile(Map.of(), Map.of(), sets(kv));
    }

    private static List<MatrixProblem> problems(Map<String, String> vars, Map<String, Integer> costs,
            Map<String, String> sets) {
        return assertThrows(MatrixException.class, () -> compile(vars, costs, sets)).problems();
    }

    @Test
    void conflictingModelIsEvicted() throws Exception {
        MatrixProgram p = compile("a", "llama & embed", "b", "qwen & embed");
        MatrixDecision d = p.solve("qwen", List.of("llama", "embed"));
        assertEquals(List.of("llama"), d.evict());
        assertEquals(Optional.of("b"), d.set());
        assertEquals(1, d.cost());
    }

    @Test
    void modelsInOneSetCoexist() throws Exception {
        MatrixProgram p = compile("all", "llama & embed & rerank");
        assertEquals(List.of(), p.solve("rerank", List.of("llama", "embed")).evict());
    }

    @Test
    void subsetOfAnAlternativeIsPermitted() throws Exception {
        MatrixProgram p = compile("s", "llama & embed & rerank");
        assertEquals(List.of(), p.solve("embed", List.of("rerank")).evict());
    }

    @Test
    void alreadyRunningTargetEvictsNothing() throws Exception {
        MatrixProgram p = compile("s", "llama", "t", "qwen");
        MatrixDecision d = p.solve("llama", List.of("llama", "qwen"));
        assertEquals(List.of(), d.evict());
        assertEquals(Optional.empty(), d.set());
    }

    @Test
    void targetInNoSetEvictsEverything() throws Exception {
        MatrixProgram p = compile("s", "llama & embed");
        MatrixDecision d = p.solve("whisper", List.of("llama", "embed"));
        assertEquals(List.of("llama", "embed"), d.evict());
        assertEquals(Optional.empty(), d.set());
    }

    @Test
    void runningModelInNoSetIsAlwaysEvicted() throws Exception {
        MatrixProgram p = compile("s", "llama & embed");
        assertEquals(List.of("whisper"), p.solve("llama", List.of("embed", "whisper")).evict());
    }

    @Test
    void equalCostTiesGoToTheFirstDefinedSet() throws Exception {
        MatrixProgram p = compile("first", "llama & embed", "second", "llama & rerank");
        MatrixDecision d = p.solve("llama", List.of("rerank", "embed"));
        assertEquals(List.of("rerank"), d.evict());
        assertEquals(Optional.of("first"), d.set());
    }

    @Test
    void equalCostTiesGoToTheFirstAlternativeWithinASet() throws Exception {
        MatrixProgram p = compile("s", "llama & (embed | rerank)");
        assertEquals(List.of("rerank"), p.solve("llama", List.of("rerank", "embed")).evict());
    }

    @Test
    void evictCostsPreferTheCheaperLoss() throws Exception {
        MatrixProgram p = compile(Map.of(), Map.of("embed", 5), sets("first", "llama & rerank", "second", "llama & embed"));
        MatrixDecision d = p.solve("llama", List.of("rerank", "embed"));
        assertEquals(List.of("rerank"), d.evict());
        assertEquals(5 - 4, d.cost());
        assertEquals(Optional.of("second"), d.set());
    }

    @Test
    void keepingTwoCheapModelsCanLoseToKeepingOneExpensiveModel() throws Exception {
        MatrixProgram p = compile(Map.of("e", "embed"), Map.of("e", 3),
                sets("pair", "llama & rerank & whisper", "big", "llama & e"));
        assertEquals(List.of("rerank", "whisper"), p.solve("llama", List.of("rerank", "whisper", "embed")).evict());
    }

    @Test
    void varsResolveBeforeModelIds() throws Exception {
        MatrixProgram p = compile(Map.of("L", "llama", "qwen", "gemma"), Map.of(), sets("s", "L & qwen"));
        assertEquals(List.of(), p.solve("gemma", List.of("llama")).evict());
        assertEquals(List.of("qwen"), p.solve("llama", List.of("qwen")).evict());
    }

    @Test
    void referencesReuseOtherSets() throws Exception {
        MatrixProgram p = compile("helpers", "embed & rerank", "chat", "(llama | qwen) & +helpers");
        assertEquals(List.of(), p.solve("qwen", List.of("embed", "rerank")).evict());
        assertEquals(List.of("llama"), p.solve("qwen", List.of("llama", "embed")).evict());
    }

    @Test
    void andBindsTighterThanOr() throws Exception {
        MatrixProgram p = compile("s", "llama & embed | qwen");
        assertEquals(List.of("embed"), p.solve("qwen", List.of("embed")).evict());
        assertEquals(List.of(), p.solve("llama", List.of("embed")).evict());
    }

    @Test
    void identifiersMayContainDotsDashesAndUnderscores() throws Exception {
        MatrixProgram p = MatrixProgram.compile(Map.of(), Map.of(), sets("s", "q3.5-a_b & e"),
                List.of("q3.5-a_b", "e"));
        assertEquals(List.of(), p.solve("e", List.of("q3.5-a_b")).evict());
    }

    @Test
    void canContainAllChecksCoexistence() throws Exception {
        MatrixProgram p = compile("s", "llama & (embed | rerank)");
        assertTrue(p.canContainAll(List.of("llama", "rerank")));
        assertFalse(p.canContainAll(List.of("embed", "rerank")));
        assertFalse(p.canContainAll(List.of("nope")));
    }

    @Test
    void moreThanSixtyFourRelevantModelsWork() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            ids.add("m" + i);
        }
        MatrixProgram p = MatrixProgram.compile(Map.of(), Map.of(), sets("all", String.join(" & ", ids.subList(0, 79))), ids);
        assertEquals(List.of(), p.solve("m0", ids.subList(1, 79)).evict());
        assertEquals(ids.subList(1, 79), p.solve("m79", ids.subList(1, 79)).evict());
    }

    /** 2^20 combinations: would not finish in a test if the solver expanded the product. */
    @Test
    void hugeProductIsSolvedWithoutExpansion() throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder dsl = new StringBuilder("base");
        ids.add("base");
        for (int i = 0; i < 20; i++) {
            ids.add("x" + i);
            ids.add("y" + i);
            dsl.append(" & (x").append(i).append(" | y").append(i).append(')');
        }
        MatrixProgram p = MatrixProgram.compile(Map.of(), Map.of(), sets("s", dsl.toString()), ids);
        assertEquals(List.of("x3"), p.solve("y3", List.of("base", "x3", "y7", "x9")).evict());
    }

    @Test
    void unknownIdentifierIsReportedOnItsSet() {
        List<MatrixProblem> ps = problems(Map.of(), Map.of(), sets("full", "llama & nope"));
        assertEquals(List.of(new MatrixProblem("sets.full", "unknown var or model 'nope' at column 9")), ps);
    }

    @Test
    void undefinedReferenceIsReported() {
        List<MatrixProblem> ps = problems(Map.of(), Map.of(), sets("full", "llama & +ghost"));
        assertEquals("sets.full", ps.get(0).key());
        assertTrue(ps.get(0).message().contains("+ghost"));
    }

    @Test
    void referenceCycleIsReported() {
        List<MatrixProblem> ps = problems(Map.of(), Map.of(), sets("a", "llama & +b", "b", "qwen | +a"));
        assertEquals(1, ps.size());
        assertEquals(new MatrixProblem("sets.a", "reference cycle: a -> b -> a"), ps.get(0));
    }

    @Test
    void selfReferenceIsACycle() {
        List<MatrixProblem> ps = problems(Map.of(), Map.of(), sets("a", "llama | +a"));
        assertEquals(new MatrixProblem("sets.a", "reference cycle: a -> a"), ps.get(0));
    }

    @Test
    void syntaxErrorsSayWhere() {
        assertEquals("unexpected ')' at column 7", problems(Map.of(), Map.of(), sets("s", "llama )")).get(0).message());
        assertEquals("missing ')' for '(' at column 1", problems(Map.of(), Map.of(), sets("s", "(llama")).get(0).message());
        assertEquals("expression is empty", problems(Map.of(), Map.of(), sets("s", " ")).get(0).message());
        assertEquals("unexpected '!' at column 1", problems(Map.of(), Map.of(), sets("s", "!x")).get(0).message());
        assertTrue(problems(Map.of(), Map.of(), sets("s", "llama &")).get(0).message().contains("expected"));
    }

    @Test
    void badVarKeyAndUnknownVarModelAreReported() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("has space", "llama");
        vars.put("g", "ghost");
        vars.put("under_score", "llama");
        List<MatrixProblem> ps = problems(vars, Map.of(), sets("s", "llama"));
        assertEquals(List.of("vars.has space", "vars.g", "vars.under_score"), ps.stream().map(MatrixProblem::key).toList());
    }

    @Test
    void varKeyLongerThan32IsReported() {
        String key = "k".repeat(33);
        assertEquals("vars." + key, problems(Map.of(key, "llama"), Map.of(), sets("s", "llama")).get(0).key());
    }

    @Test
    void badEvictCostsAreReported() {
        Map<String, Integer> costs = new LinkedHashMap<>();
        costs.put("x", 2);
        costs.put("llama", 0);
        costs.put("qwen", -3);
        List<MatrixProblem> ps = problems(Map.of(), costs, sets("s", "llama"));
        assertEquals(List.of("evict_costs.x", "evict_costs.llama", "evict_costs.qwen"),
                ps.stream().map(MatrixProblem::key).toList());
    }

    @Test
    void emptyMatrixIsReported() {
        assertEquals("sets", problems(Map.of(), Map.of(), Map.of()).get(0).key());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        MatrixException e = assertThrows(MatrixException.class, () -> compile(Map.of("g", "ghost"), Map.of("zz", 1),
                sets("a", "nope", "b", "+missing")));
        assertEquals(4, e.problems().size());
        assertTrue(e.getMessage().startsWith("vars.g: "));
    }
}
