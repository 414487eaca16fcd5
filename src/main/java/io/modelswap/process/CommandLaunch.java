package io.modelswap.process;

import java.io.IOException;
import java.util.List;

import io.modelswap.config.ModelConfig;

/**
 * How a model's command is started ({@code cmd}: split like a shell would, in a session of its own where
 * {@code setsid} exists, with the model's environment) and how it is asked to stop ({@code cmdStop}, with
 * {@code ${PID}}). Blocking: called from {@link ProcessTree#BLOCKING}, never from an owner's context.
 */
final class CommandLaunch {

    private CommandLaunch() {
    }

    /** Spawns {@code config}'s command, its output merged into one stream; marks the start in {@code logs}. */
    static Process spawn(ModelConfig config, LogRing logs) throws IOException {
        List<String> argv;
        try {
            argv = CommandLine.split(config.cmd());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its cmd cannot be split: " + e.getMessage(), e);
        }
        ProcessBuilder builder = new ProcessBuilder(ProcessSessions.inOwnSession(argv)).redirectErrorStream(true);
        ProcessTree.applyEnv(builder.environment(), config.env());
        ProcessSessions.checkRunnable(argv.get(0), builder.environment().get("PATH"));
        logs.append(LastWords.START_MARK + " " + String.join(" ", argv));
        return builder.start();
    }

    /** {@code cmdStop} for the process {@code processId}, split; null to send SIGTERM instead. */
    static List<String> stopCommand(ModelConfig config, long processId, LogRing logs) {
        if (config.cmdStop() == null || config.cmdStop().isBlank()) {
            return null;
        }
        try {
            return CommandLine.split(config.cmdStop().replace("${PID}", Long.toString(processId)));
        } catch (IllegalArgumentException e) {
            logs.append("[modelswap] cmdStop cannot be split (" + e.getMessage() + "); sending SIGTERM instead");
            return null;
        }
    }
}
