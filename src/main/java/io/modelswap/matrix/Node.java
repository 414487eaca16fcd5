package io.modelswap.matrix;

import java.util.BitSet;
import java.util.List;

/**
 * A linked, immutable DSL node. References are resolved to the referenced set's root node, so the program
 * is a DAG and a shared sub-expression is evaluated once per query.
 */
abstract sealed class Node {

    /** Index into a query's memo table. */
    final int id;
    /** Every model (program index) reachable below this node; lets a query skip irrelevant sub-trees. */
    final BitSet models;

    Node(int id, BitSet models) {
        this.id = id;
        this.models = models;
    }

    static final class Leaf extends Node {
        final int model;

        Leaf(int id, int model) {
            super(id, single(model));
            this.model = model;
        }

        private static BitSet single(int model) {
            BitSet b = new BitSet();
            b.set(model);
            return b;
        }
    }

    static final class And extends Node {
        final List<Node> parts;

        And(int id, List<Node> parts) {
            super(id, union(parts));
            this.parts = parts;
        }
    }

    static final class Or extends Node {
        final List<Node> alternatives;

        Or(int id, List<Node> alternatives) {
            super(id, union(alternatives));
            this.alternatives = alternatives;
        }
    }

    private static BitSet union(List<Node> nodes) {
        BitSet b = new BitSet();
        nodes.forEach(n -> b.or(n.models));
        return b;
    }
}
