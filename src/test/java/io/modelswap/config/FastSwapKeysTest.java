package io.modelswap.config;

import static io.modelswap.config.ConfigLoaderTest.assertError;
import static io.modelswap.config.ConfigLoaderTest.load;
import static io.modelswap.config.ConfigLoaderTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A model's {@code sleep:} and {@code slots:} keys: presets, forms, defaults and the problems reported. */
class FastSwapKeysTest {

    private static ModelConfig model(String lines) {
        return ok("models:\n  a:\n    cmd: server --port ${PORT}\n" + lines).models().get("a");
    }

    @Test
    void theVllmPresetSleepsAtLevelOneAndWakesUp() {
        SleepConfig sleep = model("    sleep: vllm\n").sleep();
        assertEquals(SleepConfig.Action.http("POST", "/sleep?level=1"), sleep.sleep());
        assertEquals(SleepConfig.Action.http("POST", "/wake_up"), sleep.wake());
        assertEquals(Duration.ZERO, sleep.maxAsleep());
        assertEquals(SleepConfig.DEFAULT_TIMEOUT, sleep.timeout());
        assertNull(model("").sleep());
    }

    @Test
    void aMappingGivesEndpointsOrCommandsWithPidAndPort() {
        SleepConfig sleep = model("    sleep:\n      cmdSleep: kill -STOP ${PID} --port=${PORT}\n"
                + "      wakeEndpoint: PUT /wake\n      maxAsleep: 30m\n      timeout: 90s\n").sleep();
        assertEquals(SleepConfig.Action.command("kill -STOP ${PID} --port=5800"), sleep.sleep());
        assertEquals(SleepConfig.Action.http("PUT", "/wake"), sleep.wake());
        assertEquals(Duration.ofMinutes(30), sleep.maxAsleep());
        assertEquals(Duration.ofSeconds(90), sleep.timeout());

        SleepConfig preset = model("    sleep:\n      preset: vllm\n      sleepEndpoint: /sleep?level=2\n").sleep();
        assertEquals(SleepConfig.Action.http("POST", "/sleep?level=2"), preset.sleep());
        assertEquals(SleepConfig.Action.http("POST", "/wake_up"), preset.wake());
    }

    @Test
    void sleepProblemsAreReportedAtTheirLines() {
        String head = "models:\n  a:\n    cmd: server\n";
        assertError(head + "    sleep: sglang\n", "application.yaml:4: models.a.sleep: unknown preset 'sglang', must be"
                + " one of: vllm (or a mapping with sleepEndpoint/wakeEndpoint or cmdSleep/cmdWake)");
        assertError(head + "    sleep:\n      cmdSleep: x\n", "application.yaml:4: models.a.sleep.wakeEndpoint: is"
                + " required (or cmdWake, or preset: vllm)");
        assertError(head + "    sleep:\n      preset: vllm\n      maxAsleep: soon\n", "application.yaml:6:"
                + " models.a.sleep.maxAsleep: must be a duration such as 30s, 10m or 1h30m (got 'soon')");
        assertError(head + "    sleep:\n      sleepEndpoint: FETCH /x\n      cmdWake: y\n", "application.yaml:5:"
                + " models.a.sleep.sleepEndpoint: must be '[GET|POST|PUT] /path' (got 'FETCH /x')");
        assertError(head + "    sleep:\n      sleepEndpoint: /s\n      cmdSleep: s\n      cmdWake: w\n",
                "application.yaml:6: models.a.sleep.cmdSleep: give either sleepEndpoint or cmdSleep, not both");
        assertError(head + "    cmdStop: kill ${PID}\n    ttl: ${PID}\n", "application.yaml:5: models.a.ttl: ${PID} is"
                + " only available in cmdStop and in sleep.cmdSleep / sleep.cmdWake");
        LoadResult typo = load("models:\n  a:\n    cmd: server --port ${PORT}\n    sleep:\n      preset: vllm\n      maxAsleeep: 1m\n");
        assertTrue(typo.ok());
        assertTrue(typo.warnings().stream().anyMatch(w -> w.toString().contains("models.a.sleep.maxAsleeep: unknown"
                + " key")), typo.warnings().toString());
    }

    @Test
    void slotsTakeTheirPathFromTheCommandOrTheirOwnKey() {
        SlotsConfig fromCmd = ok("models:\n  a:\n    cmd: llama-server --slot-save-path /var/slots -np 4\n"
                + "    proxy: http://127.0.0.1:9\n    slots:\n      save: true\n").models().get("a").slots();
        assertEquals(new SlotsConfig(Path.of("/var/slots"), SlotsConfig.DEFAULT_MAX_FILES,
                SlotsConfig.DEFAULT_MAX_BYTES), fromCmd);
        SlotsConfig own = model("    slots:\n      path: /data/kv\n      maxFiles: 4\n      maxSize: 2GiB\n").slots();
        assertEquals(new SlotsConfig(Path.of("/data/kv"), 4, 2L << 30), own);
        assertNull(model("    slots:\n      save: false\n      path: /x\n").slots());
        assertNull(model("").slots());
    }

    @Test
    void slotsProblemsAreReported() {
        String head = "models:\n  a:\n    cmd: server\n";
        assertError(head + "    slots:\n      save: true\n", "application.yaml:4: models.a.slots.path: is required:"
                + " the directory llama-server saves slots to (its --slot-save-path, which cmd does not give)");
        assertError(head + "    slots:\n      path: relative/dir\n", "application.yaml:5: models.a.slots.path: must"
                + " be an absolute directory (got 'relative/dir')");
        assertError(head + "    slots:\n      path: /x\n      maxSize: lots\n", "application.yaml:6:"
                + " models.a.slots.maxSize: must be a size such as 512MiB or 8GiB (got 'lots')");
        assertError(head + "    slots:\n      path: /x\n      maxFiles: 0\n", "application.yaml:6:"
                + " models.a.slots.maxFiles: must be a whole number >= 1 (got '0')");
    }

    @Test
    void aChangedSleepOrSlotsDefinitionIsANewProcess() {
        ModelConfig plain = model("");
        assertTrue(plain.sameProcessAs(model("")));
        assertFalse(plain.sameProcessAs(model("    sleep: vllm\n")));
        assertFalse(plain.sameProcessAs(model("    slots:\n      path: /x\n")));
    }
}
