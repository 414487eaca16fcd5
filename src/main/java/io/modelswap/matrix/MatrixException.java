package io.modelswap.matrix;

import java.util.List;
import java.util.stream.Collectors;

/** The matrix config does not compile; {@link #problems()} lists every problem found, in config order. */
public final class MatrixException extends Exception {

    private final List<MatrixProblem> problems;

    public MatrixException(List<MatrixProblem> problems) {
        super(problems.stream().map(p -> p.key() + ": " + p.message()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<MatrixProblem> problems() {
        return problems;
    }
}
