package io.modelswap.router.scheduler;

import io.modelswap.matrix.MatrixDecision;
import io.modelswap.matrix.MatrixProgram;

import java.util.List;
import java.util.Objects;

/**
 * The matrix policy: asks the compiled program which running models fall outside the cheapest permitted set
 * containing the target. The set chosen and its cost travel in the plan, for llama-swap's log line and the swap
 * history; nothing is remembered between questions.
 */
public final class MatrixSwapper extends RunningSetSwapper {

    private final MatrixProgram program;

    public MatrixSwapper(MatrixProgram program) {
        this.program = Objects.requireNonNull(program);
    }

    @Override
    protected SwapPlan choose(String target, boolean targetRunning, List<Resident> others) {
        if (targetRunning) {
            return SwapPlan.NOTHING;
        }
        MatrixDecision decision = program.solve(target, others.stream().map(Resident::model).toList());
        String set = decision.set().orElse("-");
        String rule = "matrix set \"" + set + "\" (cost " + decision.cost() + ")";
        return SwapPlan.evicting(decision.evict(), rule, "matrix: model=" + target + " set=" + set + " evict="
                + decision.evict() + " cost=" + decision.cost());
    }
}
