package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * modelswap refuses to start on an invalid configuration or a port in use (issue 12, point 14): it exits with
 * status 2, prints the problems ({@code file:line:} each) and one line on how to fix them, and no stack trace.
 * Representative files; the loader's unit tests cover every message.
 */
class BadConfigIT {

    /** A process that ran to its end: its status and everything it printed. */
    record Exit(int status, String output) {
    }

    /** Runs modelswap with {@code args}; one that does not exit within a minute is killed and fails the test. */
    static Exit run(String... args) throws Exception {
        List<String> command = new ArrayList<>(PackagedApp.launcher());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("modelswap-badconfig", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertTrue(exited, "modelswap did not exit:\n" + output);
        return new Exit(process.exitValue(), output);
    }

    private static void assertNoStackTrace(String output) {
        assertFalse(output.contains("\tat ") || output.contains("Exception"), "a stack trace:\n" + output);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // a wrong type
        "models:\\n  a:\\n    cmd: run ${PORT}\\n    ttl: soon\\n | config.yaml:4: models.a.ttl: invalid value",
        // a macro used before it is defined
        "macros:\\n  a: \"${b}\"\\n  b: x\\nmodels:\\n  m:\\n    cmd: run ${a} ${PORT}\\n"
                + " | config.yaml:6: models.m.cmd: macro '${b}' is used by a macro defined before it",
        // a group member that is no model
        "models:\\n  a:\\n    cmd: run ${PORT}\\ngroups:\\n  g:\\n    members: [a, ghost]\\n | ghost",
        // an empty file
        " | config.yaml:1: models: is required",
        // an unclosed list, reported on its own line
        "models:\\n  a:\\n    cmd: run ${PORT}\\n    aliases: [x\\n    ttl: 5\\n | config.yaml:4: invalid YAML: the '['"})
    void anInvalidConfigurationStopsTheStartWithFileLineAndHowToFixIt(String yaml, String expected) throws Exception {
        Path dir = Files.createTempDirectory("modelswap-badconfig");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, yaml == null ? "" : yaml.replace("\\n", "\n"));

        Exit exit = run("-config", config.toString(), "-listen", "127.0.0.1:" + FakeUpstream.freePort());

        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains(expected.strip()), "expected '" + expected.strip() + "' in:\n" + exit.output());
        assertTrue(exit.output().contains("modelswap cannot start: "), exit.output());
        assertTrue(exit.output().contains("Fix the lines above and start modelswap again"), exit.output());
        assertNoStackTrace(exit.output());
    }

    @Test
    void aMissingConfigurationFileIsNotFound() throws Exception {
        Path missing = Files.createTempDirectory("modelswap-badconfig").resolve("nope.yaml");

        Exit exit = run("-config", missing.toString(), "-listen", "127.0.0.1:" + FakeUpstream.freePort());

        assertEquals(2, exit.status(), exit.output());
        assertTrue(exit.output().contains(missing + ": not found\n"), exit.output());
        assertTrue(exit.output().contains("name your llama-swap configuration file with -config FILE"), exit.output());
        assertFalse(exit.output().contains(":0:"), exit.output());
        assertNoStackTrace(exit.output());
    }

    @Test
    void aPortInUseSaysWhichPortAndExitsWithStatus2() throws Exception {
        Path config = TestConfig.models().model("a", "").write();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Exit exit = run("-config", config.toString(), "-listen", "127.0.0.1:" + port);

            assertEquals(2, exit.status(), exit.output());
            assertTrue(exit.output().contains("modelswap cannot listen on 127.0.0.1:" + port
                    + ": the port is already in use by another process"), exit.output());
            assertTrue(exit.output().contains("-listen :OTHER_PORT"), exit.output());
            assertFalse(exit.output().contains("kill -9"), exit.output());
            assertNoStackTrace(exit.output());
        }
    }
}
