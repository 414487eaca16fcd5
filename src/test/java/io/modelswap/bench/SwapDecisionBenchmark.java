package io.modelswap.bench;

import io.modelswap.config.GroupConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.matrix.MatrixProgram;
import io.modelswap.router.scheduler.Effects;
import io.modelswap.failure.ServeFailure;
import io.modelswap.router.scheduler.FifoScheduler;
import io.modelswap.router.scheduler.GroupSwapper;
import io.modelswap.router.scheduler.MatrixSwapper;
import io.modelswap.router.scheduler.ModelPolicy;
import io.modelswap.process.StopCause;
import io.modelswap.router.scheduler.SchedulerSettings;
import io.modelswap.router.scheduler.Ticket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one swap decision: matrix eviction over 100 models whose main set describes 2^17 = 131,072
 * combinations, group eviction over 100 models in 10 groups, and the scheduler's fast path
 * (onRequest + onServeDone for a ready model). Run with {@code src/bench/jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SwapDecisionBenchmark {

    private static final int MODELS = 100;
    /** Binary choices in the big set: 2^17 = 131,072 combinations. */
    private static final int CHOICES = 17;

    private MatrixSwapper matrix;
    private GroupSwapper groups;
    private List<String> matrixRunning;
    private List<String> groupRunning;
    private FifoScheduler scheduler;
    private long nextTicket;

    @Setup
    public void setUp() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) {
            ids.add("m" + i);
        }
        StringBuilder big = new StringBuilder("m0");
        for (int i = 0; i < CHOICES; i++) {
            big.append(" & (m").append(2 * i + 1).append(" | m").append(2 * i + 2).append(')');
        }
        StringBuilder rest = new StringBuilder("+big & (m35");
        for (int i = 36; i < MODELS; i++) {
            rest.append(" | m").append(i);
        }
        rest.append(')');
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("big", big.toString());
        sets.put("withExtra", rest.toString());
        matrix = new MatrixSwapper(MatrixProgram.compile(Map.of(), Map.of("m50", 3), sets, ids));
        matrixRunning = List.of("m0", "m1", "m3", "m5", "m50", "m77");

        List<GroupConfig> gs = new ArrayList<>();
        for (int g = 0; g < 10; g++) {
            gs.add(new GroupConfig("g" + g, g % 2 == 0, g % 3 == 0, g == 9, ids.subList(g * 10, g * 10 + 10)));
        }
        groups = new GroupSwapper(gs);
        groupRunning = List.of("m1", "m12", "m25", "m47", "m93");

        Map<String, ModelPolicy> policies = new LinkedHashMap<>();
        ids.forEach(id -> policies.put(id, ModelPolicy.defaults()));
        scheduler = new FifoScheduler(new SchedulerSettings(policies, groups, Duration.ZERO, Duration.ZERO),
                InstantSource.system(), new NoEffects());
        scheduler.onStateChanged("m1", ProcessState.READY);
    }

    @Benchmark
    public List<String> matrixEviction() {
        return matrix.evictionFor("m4", matrixRunning);
    }

    @Benchmark
    public List<String> groupEviction() {
        return groups.evictionFor("m33", groupRunning);
    }

    @Benchmark
    public FifoScheduler schedulerFastPath() {
        Ticket t = new Ticket(nextTicket++, "m1");
        scheduler.onRequest(t);
        scheduler.onServeDone(t);
        return scheduler;
    }

    /** The world, reduced to taking every grant. */
    private static final class NoEffects implements Effects {
        @Override
        public void admit(Ticket t) {
        }

        @Override
        public void reject(Ticket t, ServeFailure why) {
        }

        @Override
        public void queuePosition(Ticket t, int position) {
        }

        @Override
        public void startSwap(String model, io.modelswap.router.scheduler.SwapPlan plan) {
        }

        @Override
        public void cancelSwap(String model) {
        }

        @Override
        public boolean grantServe(Ticket t) {
            return true;
        }

        @Override
        public void fail(Ticket t, ServeFailure f) {
        }

        @Override
        public void stopModels(List<String> models, StopCause cause) {
        }
    }
}
