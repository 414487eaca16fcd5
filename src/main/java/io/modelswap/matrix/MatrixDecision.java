package io.modelswap.matrix;

import java.util.List;
import java.util.Optional;

/**
 * The solver's answer for one (target, running) question.
 *
 * @param evict the running models to stop, in the order they were given
 * @param cost  the summed evict cost of {@code evict}
 * @param set   the set whose alternative was chosen; empty when the target was already running or is in no set
 */
public record MatrixDecision(List<String> evict, int cost, Optional<String> set) {

    public MatrixDecision {
        evict = List.copyOf(evict);
    }
}
