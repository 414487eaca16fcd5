package io.modelswap.uiapi;

import io.modelswap.it.FakeModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * modelswap for the web UI's API: fake upstreams that evict each other (one group), one of which holds its streams
 * until released so that a test can keep a request in flight, a session header of its own, and a small capture buffer.
 */
public class UiApiTestResource implements QuarkusTestResourceLifecycleManager {

    /** The header named in {@code ui.activity.session_id}. */
    static final String SESSION_HEADER = "X-Trace-Id";

    static final FakeModels MODELS = new FakeModels("healthCheckTimeout: 15\nmetricsMaxInMemory: 50\ncaptureBuffer: 1\n"
            + "ui:\n  activity:\n    session_id: [" + SESSION_HEADER + "]\napiKeys: []")
            .model("holder", "--hold-after 1 --tokens 3 --token-delay-ms 0", "unloadTimeout: 2", "aliases: [h]")
            .model("plain", "--tokens 4 --token-delay-ms 0", "unloadTimeout: 2",
                    "env: [\"HF_TOKEN=hf_secret_value\", \"PLAIN=1\"]")
            .model("chatty", "--tokens 40 --token-delay-ms 25", "unloadTimeout: 2")
            // loads for longer than any test waits: a request for it is still loading when it is cancelled
            .model("slowpoke", "--start-delay-ms 20000", "unloadTimeout: 2");

    static volatile Path configFile;
    /** The compute processes the fake {@code nvidia-smi} reports, one CSV line each ({@code pid, gpu_uuid, MiB}). */
    static volatile Path gpuApps;

    /**
     * A scripted {@code nvidia-smi}: one GPU, and the compute processes listed in {@link #gpuApps}; it answers the
     * queries modelswap makes and fails any other.
     */
    static Path fakeNvidiaSmi(Path dir) throws IOException {
        gpuApps = dir.resolve("apps.csv");
        Files.writeString(gpuApps, "");
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n"
                + "case \"$1\" in\n"
                + "  --query-gpu=index,name,uuid,temperature.gpu,*) echo '0, NVIDIA Fake GPU, GPU-fake-0, 41, 37, 9000,"
                + " 24576, 30, 120.5' ;;\n"
                + "  --query-compute-apps=*) cat '" + gpuApps + "' ;;\n"
                + "  --query-gpu=index,name,uuid,pci.bus_id,*) echo '0, NVIDIA Fake GPU, GPU-fake-0, 00000000:01:00.0,"
                + " 24576, 550.54, 350.00' ;;\n"
                + "  *) echo \"unexpected: $*\" >&2; exit 2 ;;\n"
                + "esac\n");
        script.toFile().setExecutable(true);
        return script;
    }

    @Override
    public Map<String, String> start() {
        configFile = MODELS.write();
        try {
            Path script = fakeNvidiaSmi(configFile.getParent());
            return Map.of("modelswap.config", configFile.toString(),
                    "modelswap.performance.nvidia-smi", script.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
