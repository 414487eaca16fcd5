package io.modelswap.testing;

import java.nio.file.Path;

/**
 * A scripted {@code nvidia-smi} for {@code modelswap.performance.nvidia-smi}: one 24 GiB GPU ({@code GPU-fake-0}) whose
 * compute processes a test chooses; it answers the queries modelswap makes and fails any other.
 */
public final class FakeNvidiaSmi {

    private FakeNvidiaSmi() {
    }

    /**
     * Writes the script into {@code dir} and returns it. {@code apps} is the shell that prints the compute processes,
     * one {@code pid, gpu_uuid, MiB} line each; {@code usedMib} the shell word for the memory the GPU reports in use
     * ({@code $(apps | ...)} may sum the processes).
     */
    public static Path write(Path dir, String apps, String usedMib) {
        return TestConfig.writeScript(dir.resolve("nvidia-smi"), "#!/bin/sh\n"
                + "apps() {\n"
                + apps + "\n"
                + "}\n"
                + "case \"$1\" in\n"
                + "  --query-gpu=index,name,uuid,temperature.gpu,*)\n"
                + "    echo \"0, NVIDIA Fake GPU, GPU-fake-0, 41, 37, " + usedMib + ", 24576, 30, 120.5\" ;;\n"
                + "  --query-compute-apps=*) apps ;;\n"
                + "  --query-gpu=index,name,uuid,pci.bus_id,*) echo '0, NVIDIA Fake GPU, GPU-fake-0, 00000000:01:00.0,"
                + " 24576, 550.54, 350.00' ;;\n"
                + "  *) echo \"unexpected: $*\" >&2; exit 2 ;;\n"
                + "esac\n");
    }
}
