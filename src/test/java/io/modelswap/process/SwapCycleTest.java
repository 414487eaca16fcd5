package io.modelswap.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelswap.config.ModelConfig;
import io.modelswap.testing.FakeUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many swap cycles between three upstreams that make stopping hard, each started by a wrapper the way real setups do:
 * a shell that forks the server and waits, a script that starts two servers in the background (they hold the output
 * pipe), and a shell that ignores SIGTERM (its children inherit that). After every stop nothing of the old model may
 * be left, and the test JVM may have no zombie children. Shells and {@code sleep} stand in for servers so a cycle
 * takes milliseconds; each process carries a marker number in its command line for counting.
 */
class SwapCycleTest {

    private static final int CYCLES = 120;
    private static final Duration GRACE = Duration.ofMillis(200);
    private static final ProcessTimings TIMINGS = new ProcessTimings(Duration.ofMillis(25), Duration.ofSeconds(1),
            Duration.ZERO, Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private Vertx vertx;
    private final List<ModelProcess> processes = new ArrayList<>();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (ModelProcess p : processes) {
            join(p.shutdown(GRACE));
        }
        ProcessLedger.install(ProcessLedger.DISABLED);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** One model in the cycle, and how many processes carry its marker once up (a wrapper shell's -c counts). */
    private record Upstream(ModelProcess process, String marker, int processCount) {
    }

    @Test
    void everySwapLeavesNoProcessOfTheOldModelAndNoZombie() throws Exception {
        Path stateFile = dir.resolve("state");
        ProcessLedger.install(ProcessLedger.at(stateFile));
        long base = 7_300_000_000L + ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        Path script = dir.resolve("start-server.sh");
        Files.writeString(script, "#!/bin/sh\n# starts the server in the background, as many launch scripts do\n"
                + "sleep " + (base + 2) + " &\nsleep " + (base + 2) + " &\nwait\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        List<Upstream> upstreams = List.of(
                upstream("forking", "sh -c 'sleep " + (base + 1) + " & wait'", base + 1, 2),
                upstream("script", script.toString(), base + 2, 2),
                upstream("stubborn", "sh -c 'trap \"\" TERM; sleep " + (base + 3) + " & wait'", base + 3, 2));

        Upstream previous = null;
        long started = System.nanoTime();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Upstream next = upstreams.get(cycle % upstreams.size());
            if (previous != null) {
                join(previous.process().stop(GRACE, "evicted by the test"));
                assertEquals(List.of(), marked(previous.marker()),
                        "cycle " + cycle + ": processes of " + previous.process().config().id() + " survived");
            }
            join(next.process().ensureReady());
            // a real upstream is serving once ready; here: its server processes exist
            Upstream up = next;
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5))
                    .until(() -> marked(up.marker()).size() == up.processCount());
            previous = next;
        }
        join(previous.process().stop(GRACE, "end of test"));
        for (Upstream u : upstreams) {
            assertEquals(List.of(), marked(u.marker()), u.process().config().id() + " left processes behind");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> zombieChildren().isEmpty());
        assertEquals(List.of(), ProcessLedger.read(stateFile).processes(), "every reaped process left the state file");
        // not asserted: on a loaded machine it says more about the neighbours than about modelswap
        System.out.printf("%d swap cycles in %d ms%n", CYCLES,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private Upstream upstream(String id, String cmd, long marker, int count) {
        ModelConfig config = FakeUpstream.model(id, 1).cmd(cmd).checkEndpoint("none").build();
        ModelProcess process = new ModelProcess(config, vertx, TIMINGS);
        processes.add(process);
        return new Upstream(process, Long.toString(marker), count);
    }

    /** Live (non-zombie) processes whose command line contains {@code marker}. */
    static List<Long> marked(String marker) {
        List<Long> found = new ArrayList<>();
        for (Path proc : procDirs()) {
            try {
                String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                if (cmdline.contains(marker) && state(proc) != 'Z') {
                    found.add(Long.parseLong(proc.getFileName().toString()));
                }
            } catch (IOException | RuntimeException gone) {
                // exited while we looked
            }
        }
        return found;
    }

    /** Children of this JVM in state Z (exited, not reaped). */
    static List<Long> zombieChildren() {
        long self = ProcessHandle.current().pid();
        List<Long> zombies = new ArrayList<>();
        for (Path proc : procDirs()) {
            try {
                String stat = Files.readString(proc.resolve("stat"));
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (after[0].equals("Z") && Long.parseLong(after[1]) == self) {
                    zombies.add(Long.parseLong(proc.getFileName().toString()));
                }
            } catch (IOException | RuntimeException gone) {
                // exited while we looked
            }
        }
        return zombies;
    }

    private static char state(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private static List<Path> procDirs() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void join(Future<?> future) throws Exception {
        future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
