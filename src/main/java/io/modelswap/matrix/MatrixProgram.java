package io.modelswap.matrix;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A compiled, immutable swap matrix. Compilation parses and links every set once and never distributes
 * {@code &} over {@code |}; {@link #solve} answers eviction questions by projecting onto the target and the
 * running models only (see {@link Projection}). Safe for concurrent readers.
 */
public final class MatrixProgram {

    /** Cost of evicting a model that has no {@code evict_costs} entry. */
    public static final int DEFAULT_EVICT_COST = 1;

    private static final Pattern VAR_KEY = Pattern.compile("^[A-Za-z0-9.-]{1,32}$");

    private final List<String> models;
    private final Map<String, Integer> modelIndex;
    private final int[] costs;
    private final List<String> setNames;
    private final List<Node> setRoots;
    private final int nodeCount;

    private MatrixProgram(List<String> models, Map<String, Integer> modelIndex, int[] costs, List<String> setNames,
            List<Node> setRoots, int nodeCount) {
        this.models = models;
        this.modelIndex = modelIndex;
        this.costs = costs;
        this.setNames = setNames;
        this.setRoots = setRoots;
        this.nodeCount = nodeCount;
    }

    /**
     * Validates and compiles a matrix against the configured model IDs.
     *
     * @param vars       short name to model ID, in definition order
     * @param evictCosts var or model ID to the cost of evicting it (default {@link #DEFAULT_EVICT_COST})
     * @param sets       set name to its DSL expression, in definition order (order breaks cost ties)
     * @throws MatrixException listing every problem (keys are config paths such as {@code sets.full})
     */
    public static MatrixProgram compile(Map<String, String> vars, Map<String, Integer> evictCosts,
            Map<String, String> sets, Collection<String> modelIds) throws MatrixException {
        return new Compiler(vars, evictCosts, sets, modelIds).compile();
    }

    /** Set names in definition order. */
    public List<String> setNames() {
        return setNames;
    }

    /** The cost of evicting {@code model}. */
    public int evictCost(String model) {
        Integer i = modelIndex.get(model);
        return i == null ? DEFAULT_EVICT_COST : costs[i];
    }

    /**
     * Which of {@code running} to stop so {@code target} can run: nothing when target already runs; else the
     * alternative containing target that keeps the cheapest-to-lose set of running models (ties: set
     * definition order, then alternative order); target in no set: everything else.
     */
    public MatrixDecision solve(String target, Collection<String> running) {
        List<String> others = new ArrayList<>(new LinkedHashSet<>(running));
        if (others.remove(target)) {
            return new MatrixDecision(List.of(), 0, Optional.empty());
        }
        Integer t = modelIndex.get(target);
        if (t == null || others.isEmpty()) {
            return evictAll(others);
        }
        // Query bit 0 is the target; bits 1.. are the running models the program knows.
        List<Integer> relevant = new ArrayList<>();
        relevant.add(t);
        int[] bitOfOther = new int[others.size()];
        for (int i = 0; i < others.size(); i++) {
            Integer m = modelIndex.get(others.get(i));
            bitOfOther[i] = m == null ? -1 : relevant.size();
            if (m != null) {
                relevant.add(m);
            }
        }
        Projection p = new Projection(models.size(), nodeCount, relevant.stream().mapToInt(Integer::intValue).toArray());
        int bestCost = Integer.MAX_VALUE;
        BitSet best = null;
        int bestSet = -1;
        for (int s = 0; s < setRoots.size(); s++) {
            for (BitSet state : p.states(setRoots.get(s))) {
                if (!state.get(0)) {
                    continue;
                }
                int cost = 0;
                for (int i = 0; i < others.size(); i++) {
                    if (bitOfOther[i] < 0 || !state.get(bitOfOther[i])) {
                        cost += evictCost(others.get(i));
                    }
                }
                if (cost < bestCost) { // strict: the first (definition order) wins ties
                    bestCost = cost;
                    best = state;
                    bestSet = s;
                }
            }
        }
        if (best == null) {
            return evictAll(others);
        }
        List<String> evict = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
            if (bitOfOther[i] < 0 || !best.get(bitOfOther[i])) {
                evict.add(others.get(i));
            }
        }
        return new MatrixDecision(evict, bestCost, Optional.of(setNames.get(bestSet)));
    }

    /** Whether some set permits all of {@code wanted} at once (unknown models: never). */
    public boolean canContainAll(Collection<String> wanted) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(wanted));
        int[] relevant = new int[distinct.size()];
        for (int i = 0; i < relevant.length; i++) {
            Integer m = modelIndex.get(distinct.get(i));
            if (m == null) {
                return false;
            }
            relevant[i] = m;
        }
        Projection p = new Projection(models.size(), nodeCount, relevant);
        for (Node root : setRoots) {
            for (BitSet state : p.states(root)) {
                if (state.cardinality() == relevant.length) {
                    return true;
                }
            }
        }
        return false;
    }

    private MatrixDecision evictAll(List<String> others) {
        int cost = others.stream().mapToInt(this::evictCost).sum();
        return new MatrixDecision(others, cost, Optional.empty());
    }

    /** Turns a config into a program, collecting every problem instead of stopping at the first. */
    private static final class Compiler {
        private final Map<String, String> varsGiven;
        private final Map<String, Integer> evictCosts;
        private final Map<String, String> sets;
        private final List<String> models;
        private final Map<String, Integer> modelIndex = new HashMap<>();
        private final List<MatrixProblem> problems = new ArrayList<>();
        private final Map<String, String> vars = new HashMap<>();
        private final Map<String, Expr> parsed = new LinkedHashMap<>();
        private final Map<String, Node> linked = new HashMap<>();
        private int nextNodeId;

        Compiler(Map<String, String> vars, Map<String, Integer> evictCosts, Map<String, String> sets,
                Collection<String> modelIds) {
            this.varsGiven = vars;
            this.evictCosts = evictCosts;
            this.sets = sets;
            this.models = List.copyOf(new LinkedHashSet<>(modelIds));
            for (int i = 0; i < models.size(); i++) {
                modelIndex.put(models.get(i), i);
            }
        }

        MatrixProgram compile() throws MatrixException {
            varsGiven.forEach((key, model) -> {
                if (!VAR_KEY.matcher(key).matches()) {
                    problem("vars." + key, "var name must be 1-32 characters of letters, digits, '-' or '.'");
                } else if (!modelIndex.containsKey(model)) {
                    problem("vars." + key, "refers to unknown model '" + model + "'");
                } else {
                    vars.put(key, model);
                }
            });
            int[] costs = new int[models.size()];
            java.util.Arrays.fill(costs, DEFAULT_EVICT_COST);
            evictCosts.forEach((key, cost) -> {
                String model = vars.getOrDefault(key, key);
                Integer i = modelIndex.get(model);
                if (i == null) {
                    problem("evict_costs." + key, "unknown var or model '" + key + "'");
                } else if (cost == null || cost <= 0) {
                    problem("evict_costs." + key, "must be a positive integer (was " + cost + ")");
                } else {
                    costs[i] = cost;
                }
            });
            if (sets.isEmpty()) {
                problem("sets", "the matrix must define at least one set");
            }
            sets.forEach((name, dsl) -> {
                try {
                    Expr e = DslParser.parse(dsl);
                    checkNames(name, e);
                    parsed.put(name, e);
                } catch (DslParser.SyntaxError ex) {
                    problem("sets." + name, ex.getMessage());
                }
            });
            findCycles();
            if (!problems.isEmpty()) {
                throw new MatrixException(problems);
            }
            List<String> names = List.copyOf(sets.keySet());
            List<Node> roots = new ArrayList<>();
            for (String name : names) {
                roots.add(linkSet(name));
            }
            return new MatrixProgram(models, Map.copyOf(modelIndex), costs, names, List.copyOf(roots), nextNodeId);
        }

        private void checkNames(String set, Expr e) {
            if (e instanceof Expr.Name n) {
                if (!vars.containsKey(n.name()) && !modelIndex.containsKey(n.name())) {
                    problem("sets." + set, "unknown var or model '" + n.name() + "' at column " + n.column());
                }
            } else if (e instanceof Expr.SetRef r) {
                if (!sets.containsKey(r.set())) {
                    problem("sets." + set, "reference +" + r.set() + " at column " + r.column() + " names no set");
                }
            } else if (e instanceof Expr.And a) {
                a.parts().forEach(p -> checkNames(set, p));
            } else {
                ((Expr.Or) e).alternatives().forEach(p -> checkNames(set, p));
            }
        }

        /** Depth-first search over {@code +ref} edges; reports each cycle once, on the set where it was entered. */
        private void findCycles() {
            Map<String, Integer> color = new HashMap<>(); // absent = unvisited, 1 = on stack, 2 = done
            for (String name : parsed.keySet()) {
                visit(name, color, new ArrayList<>());
            }
        }

        private void visit(String name, Map<String, Integer> color, List<String> path) {
            Integer c = color.get(name);
            if (c != null) {
                if (c == 1) {
                    List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
                    cycle.add(name);
                    problem("sets." + cycle.get(0), "reference cycle: " + String.join(" -> ", cycle));
                }
                return;
            }
            Expr e = parsed.get(name);
            if (e == null) {
                return; // an undefined or unparsable set: already reported
            }
            color.put(name, 1);
            path.add(name);
            for (String ref : refs(e, new ArrayList<>())) {
                visit(ref, color, path);
            }
            path.remove(path.size() - 1);
            color.put(name, 2);
        }

        private static List<String> refs(Expr e, List<String> out) {
            if (e instanceof Expr.SetRef r) {
                out.add(r.set());
            } else if (e instanceof Expr.And a) {
                a.parts().forEach(p -> refs(p, out));
            } else if (e instanceof Expr.Or o) {
                o.alternatives().forEach(p -> refs(p, out));
            }
            return out;
        }

        private Node linkSet(String name) {
            Node done = linked.get(name);
            if (done == null) {
                done = link(parsed.get(name));
                linked.put(name, done);
            }
            return done;
        }

        private Node link(Expr e) {
            if (e instanceof Expr.Name n) {
                return new Node.Leaf(nextNodeId++, modelIndex.get(vars.getOrDefault(n.name(), n.name())));
            }
            if (e instanceof Expr.SetRef r) {
                return linkSet(r.set());
            }
            if (e instanceof Expr.And a) {
                List<Node> parts = a.parts().stream().map(this::link).toList();
                return new Node.And(nextNodeId++, parts);
            }
            List<Node> alts = ((Expr.Or) e).alternatives().stream().map(this::link).toList();
            return new Node.Or(nextNodeId++, alts);
        }

        private void problem(String key, String message) {
            problems.add(new MatrixProblem(key, message));
        }
    }
}
