package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * modelswap refuses to start on an invalid configuration: it exits non-zero and prints {@code file:line:} errors.
 * Three representative files (the loader's unit tests cover every message).
 */
class BadConfigIT {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // a wrong type
        "models:\\n  a:\\n    cmd: run ${PORT}\\n    ttl: soon\\n | config.yaml:4: models.a.ttl: invalid value",
        // a macro used before it is defined
        "macros:\\n  a: \"${b}\"\\n  b: x\\nmodels:\\n  m:\\n    cmd: run ${a} ${PORT}\\n"
                + " | config.yaml:6: models.m.cmd: macro '${b}' is used by a macro defined before it",
        // a group member that is no model
        "models:\\n  a:\\n    cmd: run ${PORT}\\ngroups:\\n  g:\\n    members: [a, ghost]\\n | ghost"})
    void anInvalidConfigurationStopsTheStartWithFileAndLine(String yaml, String expected) throws Exception {
        Path dir = Files.createTempDirectory("modelswap-badconfig");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, yaml.replace("\\n", "\n"));
        List<String> command = new ArrayList<>(PackagedApp.launcher());
        command.addAll(List.of("-config", config.toString(), "-listen", "127.0.0.1:" + FakeUpstream.freePort()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "modelswap did not exit:\n" + output);
        assertNotEquals(0, process.exitValue(), output);
        assertTrue(output.contains(expected.strip()), "expected '" + expected.strip() + "' in:\n" + output);
        assertTrue(output.matches("(?s).*config\\.yaml:\\d+: .*"), output);
    }
}
