package io.modelswap.placement;

import io.modelswap.testing.FakeNvidiaSmi;
import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;
import java.nio.file.Path;
import java.util.UUID;

/**
 * modelswap with memory-aware placement on one scripted 24 GiB GPU, and fake upstreams that all may run together by
 * their group: only memory makes them swap. The scripted {@code nvidia-smi} plays the GPU: each fake upstream started
 * with {@code --gpu-tag <this run's tag> --gpu-mib N} shows as a compute process holding N MiB (found by its pid in
 * {@code /proc}, as the driver would list it), and the lines of {@link #FOREIGN} are processes modelswap does not own.
 */
public class MemoryPlacementTestResource extends TestConfigResource {

    /** Tells this run's fake upstreams from anyone else's on the machine. */
    static final String TAG = "t" + UUID.randomUUID().toString().replace("-", "");

    /** Processes modelswap does not own, as {@code pid, gpu_uuid, MiB} lines. */
    static final Path FOREIGN = TestConfig.writeFile(TestConfig.tempDir("modelswap-gpu").resolve("foreign.csv"), "");

    static final TestConfig MODELS = TestConfig.models().globals("resources: {reserve: 1GiB}\n"
            + "groups:\n  together:\n    swap: false\n    exclusive: false\n"
            + "    members: [a, b, c, measured, huge]")
            .model("a", gpu(10240), "unloadTimeout: 2", "resources: {memory: 10GiB}")
            .model("b", gpu(10240), "unloadTimeout: 2", "resources: {memory: 10GiB}")
            .model("c", gpu(12288), "unloadTimeout: 2", "resources: {memory: 12GiB}")
            .model("measured", gpu(6144), "unloadTimeout: 2")
            .model("huge", gpu(30720), "unloadTimeout: 2", "resources: {memory: 30GiB}")
            .property("modelswap.performance.nvidia-smi", fakeNvidiaSmi().toString());

    private static String gpu(int mib) {
        return "--tokens 2 --token-delay-ms 0 --gpu-tag " + TAG + " --gpu-mib " + mib;
    }

    /** The compute processes: this run's fake upstreams (by their command line in /proc) and {@link #FOREIGN}. */
    private static Path fakeNvidiaSmi() {
        String apps = ""
                // one grep over every command line (a fork per process is too slow on a loaded machine); [g] keeps
                // grep's own command line from matching
                + "  for f in $(grep -las -- '--gpu-ta[g]." + TAG + ".' /proc/[0-9]*/cmdline); do\n"
                + "    args=$(tr '\\0' ' ' < \"$f\" 2>/dev/null) || continue\n"
                + "    case \"$args\" in\n"
                // the JVM itself only: a wrapper (setsid) that had not exec'd yet would be counted twice
                + "      */bin/java\\ *)\n"
                + "        pid=${f#/proc/}; echo \"${pid%/cmdline}, GPU-fake-0, $(echo \"$args\""
                + " | sed -n 's/.*--gpu-mib \\([0-9]*\\).*/\\1/p')\" ;;\n"
                + "    esac\n"
                + "  done\n"
                + "  cat '" + FOREIGN + "'";
        return FakeNvidiaSmi.write(FOREIGN.getParent(), apps, "$(apps | awk -F, '{s += $3} END {print s + 0}')");
    }

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
