package io.modelswap.matrix;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Evaluates DSL nodes for one query, projected onto the few models the query is about (the target and the
 * running models). Each node yields its maximal permitted states over those models as small bitsets: a set
 * permits any subset of an alternative, so permitted states are downward closed and the maximal ones
 * describe them exactly. Nothing is ever expanded over models outside the query, which is why
 * {@code a & (b|c) & (d|e) & ...} over 100 models costs a few microseconds instead of a Cartesian product.
 */
final class Projection {

    private static final List<BitSet> NOTHING_RELEVANT = List.of(new BitSet());

    /** Program model index to query bit, or -1. */
    private final int[] bitOf;
    /** The program model indices the query is about, for skipping irrelevant sub-trees. */
    private final BitSet relevant;
    /** Per node id; computed lazily, so a shared sub-expression (a {@code +ref}) is evaluated once. */
    private final List<BitSet>[] memo;

    @SuppressWarnings("unchecked")
    Projection(int modelCount, int nodeCount, int[] relevantModels) {
        this.bitOf = new int[modelCount];
        java.util.Arrays.fill(bitOf, -1);
        this.relevant = new BitSet(modelCount);
        for (int i = 0; i < relevantModels.length; i++) {
            bitOf[relevantModels[i]] = i;
            relevant.set(relevantModels[i]);
        }
        this.memo = new List[nodeCount];
    }

    List<BitSet> states(Node node) {
        List<BitSet> cached = memo[node.id];
        if (cached != null) {
            return cached;
        }
        List<BitSet> result;
        if (!node.models.intersects(relevant)) {
            result = NOTHING_RELEVANT;
        } else if (node instanceof Node.Leaf leaf) {
            BitSet b = new BitSet();
            b.set(bitOf[leaf.model]);
            result = List.of(b);
        } else if (node instanceof Node.Or or) {
            List<BitSet> all = new ArrayList<>();
            for (Node alt : or.alternatives) {
                all.addAll(states(alt));
            }
            result = maximal(all);
        } else {
            result = NOTHING_RELEVANT;
            for (Node part : ((Node.And) node).parts) {
                result = combine(result, states(part));
            }
        }
        memo[node.id] = result;
        return result;
    }

    /** AND: one state from each side, united; then only the maximal ones are kept. */
    private static List<BitSet> combine(List<BitSet> left, List<BitSet> right) {
        if (right == NOTHING_RELEVANT) {
            return left;
        }
        if (left == NOTHING_RELEVANT) {
            return right;
        }
        List<BitSet> out = new ArrayList<>(left.size() * right.size());
        for (BitSet l : left) {
            for (BitSet r : right) {
                BitSet u = (BitSet) l.clone();
                u.or(r);
                out.add(u);
            }
        }
        return maximal(out);
    }

    /**
     * Drops duplicates and states strictly contained in another, keeping first-seen order. Safe for the
     * solver: a superset keeps every running model the subset keeps, and costs are positive, so it is never
     * worse; equal cost with a strict superset is impossible because the extra bit is a running model.
     */
    static List<BitSet> maximal(List<BitSet> states) {
        if (states.size() <= 1) {
            return states;
        }
        List<BitSet> kept = new ArrayList<>(states.size());
        outer:
        for (int i = 0; i < states.size(); i++) {
            BitSet s = states.get(i);
            for (int j = 0; j < states.size(); j++) {
                if (i == j) {
                    continue;
                }
                BitSet o = states.get(j);
                if (contains(o, s) && (!s.equals(o) || j < i)) {
                    continue outer; // s is dominated, or an earlier duplicate already stands for it
                }
            }
            kept.add(s);
        }
        return kept;
    }

    private static boolean contains(BitSet outer, BitSet inner) {
        BitSet rest = (BitSet) inner.clone();
        rest.andNot(outer);
        return rest.isEmpty();
    }
}
