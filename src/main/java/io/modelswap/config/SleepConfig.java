package io.modelswap.config;

import java.time.Duration;

/**
 * How a model is put to sleep instead of being stopped when the swapper evicts it, and woken again ({@code sleep:} of
 * a model). A sleeping upstream keeps its process (and its weights in host memory) but gives back its accelerator
 * memory: waking it is much faster than a cold start.
 *
 * @param sleep     what puts it to sleep: an HTTP call to the upstream or a command
 * @param wake      what wakes it
 * @param maxAsleep after this long asleep it is stopped for real; zero = no limit
 * @param timeout   how long one sleep or wake call may take before it counts as failed
 */
public record SleepConfig(Action sleep, Action wake, Duration maxAsleep, Duration timeout) {

    /** Used when {@code sleep.timeout} is not given: vLLM offloads or reloads a large model's weights in seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** vLLM's sleep mode (started with {@code --enable-sleep-mode} and {@code VLLM_SERVER_DEV_MODE=1}). */
    public static SleepConfig vllm(Duration maxAsleep, Duration timeout) {
        return new SleepConfig(Action.http("POST", "/sleep?level=1"), Action.http("POST", "/wake_up"), maxAsleep,
                timeout);
    }

    /**
     * One way to sleep or to wake: an HTTP request to the upstream's address, or a command ({@code ${PID}} is the
     * upstream's process id at call time; {@code ${PORT}} was expanded with the model's other macros).
     *
     * @param method  HTTP method, when {@code path} is set
     * @param path    path and query on the upstream, e.g. {@code /sleep?level=1}; null for a command
     * @param command the command line, still unsplit; null for an HTTP call
     */
    public record Action(String method, String path, String command) {

        public static Action http(String method, String path) {
            return new Action(method, path, null);
        }

        public static Action command(String command) {
            return new Action(null, null, command);
        }

        public boolean isCommand() {
            return command != null;
        }

        /** For logs: {@code POST /sleep?level=1} or the command. */
        public String describe() {
            return isCommand() ? command : method + " " + path;
        }
    }
}
