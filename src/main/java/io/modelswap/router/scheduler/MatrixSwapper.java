package io.modelswap.router.scheduler;

import io.modelswap.matrix.MatrixDecision;
import io.modelswap.matrix.MatrixProgram;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The matrix policy: asks the compiled program which running models fall outside the cheapest permitted
 * set containing the target. Remembers the last decision so {@link #onSwapStart} and log lines can say
 * which set was chosen without solving again.
 */
public final class MatrixSwapper extends RunningSetSwapper {

    private final MatrixProgram program;
    private MatrixDecision last;

    public MatrixSwapper(MatrixProgram program) {
        this.program = Objects.requireNonNull(program);
    }

    public MatrixProgram program() {
        return program;
    }

    /** The decision behind the latest non-trivial {@link #evictionFor} answer. */
    public Optional<MatrixDecision> lastDecision() {
        return Optional.ofNullable(last);
    }

    @Override
    protected List<String> chooseEvictions(String target, boolean targetRunning, List<String> others) {
        if (targetRunning) {
            return List.of();
        }
        last = program.solve(target, others);
        return last.evict();
    }

    @Override
    public void onSwapStart(String target, Collection<String> running) {
        // Nothing to do beyond keeping lastDecision(); the router logs it with the swap.
    }
}
