package io.modelswap.matrix;

import java.util.List;

/** The parsed, not yet resolved, form of one DSL expression. */
sealed interface Expr {

    /** A var or model name. */
    record Name(String name, int column) implements Expr {
    }

    /** {@code +setName}. */
    record SetRef(String set, int column) implements Expr {
    }

    record And(List<Expr> parts) implements Expr {
    }

    record Or(List<Expr> alternatives) implements Expr {
    }
}
