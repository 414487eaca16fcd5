package io.modelswap.placement;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * modelswap with memory-aware placement on one scripted 24 GiB GPU, and fake upstreams that all may run together by
 * their group: only memory makes them swap. The scripted {@code nvidia-smi} plays the GPU: each fake upstream started
 * with {@code --gpu-tag <this run's tag> --gpu-mib N} shows as a compute process holding N MiB (found by its pid in
 * {@code /proc}, as the driver would list it), and the lines of {@link #foreign} are processes modelswap does not own.
 */
public class MemoryPlacementTestResource implements QuarkusTestResourceLifecycleManager {

    /** Tells this run's fake upstreams from anyone else's on the machine. */
    static final String TAG = "t" + UUID.randomUUID().toString().replace("-", "");

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\n"
            + "resources: {reserve: 1GiB}\n"
            + "groups:\n  together:\n    swap: false\n    exclusive: false\n"
            + "    members: [a, b, c, measured, huge]")
            .model("a", gpu(10240), "unloadTimeout: 2", "resources: {memory: 10GiB}")
            .model("b", gpu(10240), "unloadTimeout: 2", "resources: {memory: 10GiB}")
            .model("c", gpu(12288), "unloadTimeout: 2", "resources: {memory: 12GiB}")
            .model("measured", gpu(6144), "unloadTimeout: 2")
            .model("huge", gpu(30720), "unloadTimeout: 2", "resources: {memory: 30GiB}");

    /** Processes modelswap does not own, as {@code pid, gpu_uuid, MiB} lines. */
    static volatile Path foreign;

    private static String gpu(int mib) {
        return "--tokens 2 --token-delay-ms 0 --gpu-tag " + TAG + " --gpu-mib " + mib;
    }

    static Path fakeNvidiaSmi(Path dir) throws IOException {
        foreign = dir.resolve("foreign.csv");
        Files.writeString(foreign, "");
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n"
                + "apps() {\n"
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
                + "  cat '" + foreign + "'\n"
                + "}\n"
                + "case \"$1\" in\n"
                + "  --query-gpu=index,name,uuid,temperature.gpu,*)\n"
                + "    used=$(apps | awk -F, '{s += $3} END {print s + 0}')\n"
                + "    echo \"0, NVIDIA Fake GPU, GPU-fake-0, 41, 37, $used, 24576, 30, 120.5\" ;;\n"
                + "  --query-compute-apps=*) apps ;;\n"
                + "  --query-gpu=index,name,uuid,pci.bus_id,*) echo '0, NVIDIA Fake GPU, GPU-fake-0, 00000000:01:00.0,"
                + " 24576, 550.54, 350.00' ;;\n"
                + "  *) echo \"unexpected: $*\" >&2; exit 2 ;;\n"
                + "esac\n");
        script.toFile().setExecutable(true);
        return script;
    }

    @Override
    public Map<String, String> start() {
        Path config = MODELS.write();
        try {
            return Map.of("modelswap.config", config.toString(),
                    "modelswap.performance.nvidia-smi", fakeNvidiaSmi(config.getParent()).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
