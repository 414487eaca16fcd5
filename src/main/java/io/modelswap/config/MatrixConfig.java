package io.modelswap.config;

import io.modelswap.matrix.MatrixException;
import io.modelswap.matrix.MatrixProgram;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The swap matrix ({@code routing.router.settings.matrix} or legacy {@code matrix:}), as written and compiled. The
 * loader compiles it once, while it validates the file; the scheduler's swapper and every display use that program.
 *
 * @param vars       short name to model ID, in definition order
 * @param evictCosts var or model ID to the cost of evicting it (default 1)
 * @param sets       set name to its DSL expression, in definition order (order breaks cost ties)
 * @param program    the compiled matrix
 */
public record MatrixConfig(Map<String, String> vars, Map<String, Integer> evictCosts, Map<String, String> sets,
        MatrixProgram program) {

    public MatrixConfig {
        vars = OrderedMaps.copyOf(vars);
        evictCosts = OrderedMaps.copyOf(evictCosts);
        sets = OrderedMaps.copyOf(sets);
        Objects.requireNonNull(program, "program");
    }

    /**
     * Compiles a matrix against {@code models}.
     *
     * @throws MatrixException listing every problem of the matrix (keys such as {@code sets.full})
     */
    public static MatrixConfig compile(Map<String, String> vars, Map<String, Integer> evictCosts,
            Map<String, String> sets, Collection<String> models) throws MatrixException {
        return new MatrixConfig(vars, evictCosts, sets, MatrixProgram.compile(vars, evictCosts, sets, models));
    }
}
