package io.modelswap.matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the matrix DSL. {@code &} binds tighter than {@code |}, as in boolean algebra:
 * <pre>
 * expr   := term ('|' term)*
 * term   := factor ('&amp;' factor)*
 * factor := NAME | '+' NAME | '(' expr ')'
 * NAME   := [A-Za-z0-9_.-]+
 * </pre>
 */
final class DslParser {

    /** A syntax error, with the 1-based column where it was noticed. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private DslParser(String text) {
        this.text = text;
    }

    static Expr parse(String text) throws SyntaxError {
        DslParser p = new DslParser(text == null ? "" : text);
        p.skipSpace();
        if (p.atEnd()) {
            throw new SyntaxError("expression is empty");
        }
        Expr e = p.expr();
        p.skipSpace();
        if (!p.atEnd()) {
            throw p.unexpected();
        }
        return e;
    }

    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-';
    }

    private Expr expr() throws SyntaxError {
        List<Expr> alternatives = new ArrayList<>();
        alternatives.add(term());
        while (accept('|')) {
            alternatives.add(term());
        }
        return alternatives.size() == 1 ? alternatives.get(0) : new Expr.Or(List.copyOf(alternatives));
    }

    private Expr term() throws SyntaxError {
        List<Expr> parts = new ArrayList<>();
        parts.add(factor());
        while (accept('&')) {
            parts.add(factor());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.And(List.copyOf(parts));
    }

    private Expr factor() throws SyntaxError {
        skipSpace();
        if (atEnd()) {
            throw new SyntaxError("expression ends where a name, '+set' or '(' was expected");
        }
        int column = pos + 1;
        if (accept('(')) {
            Expr inner = expr();
            if (!accept(')')) {
                throw atEnd() ? new SyntaxError("missing ')' for '(' at column " + column) : unexpected();
            }
            return inner;
        }
        if (accept('+')) {
            String set = name();
            if (set.isEmpty()) {
                throw new SyntaxError("'+' at column " + column + " must be followed by a set name");
            }
            return new Expr.SetRef(set, column);
        }
        String name = name();
        if (name.isEmpty()) {
            throw unexpected();
        }
        return new Expr.Name(name, column);
    }

    private String name() {
        int start = pos;
        while (!atEnd() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private boolean accept(char c) {
        skipSpace();
        if (!atEnd() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private SyntaxError unexpected() {
        return new SyntaxError("unexpected '" + text.charAt(pos) + "' at column " + (pos + 1));
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }
}
