package io.modelswap.it;

import io.modelswap.testing.TestConfig;
import io.modelswap.testing.TestConfigResource;

/**
 * Fake upstreams that break in the ways a real inference server does once it runs: dying in the middle of an answer,
 * a wrapper that outlives its crashed server, a command that double-forks its server, a port someone else holds.
 * All in one non-swapping group, so that the tests do not evict each other's models.
 */
public class UpstreamTestResource extends TestConfigResource {

    /** More concurrent streams than the 64 pooled connections per upstream that once capped them. */
    static final int WIDE_STREAMS = 80;

    static final TestConfig MODELS = TestConfig.models().globals("groups:\n  all:\n    swap: false\n"
            + "    members: [dying, breaking, plain, wrapped, fragile, wide, forker, squatted, jvmbind]")
            .model("dying", "--die-mid-stream 2 --tokens 6 --token-delay-ms 0", "unloadTimeout: 1")
            .model("breaking", "--die-mid-body", "unloadTimeout: 1")
            .model("plain", "", "unloadTimeout: 1")
            // the server dies mid-stream, the shell that started it lives on: the model's process is not gone
            .command("wrapped", "sh -c '" + TestConfig.fake("--port", "${PORT}", "--model-name", "wrapped",
                    "--die-mid-stream", "1", "--tokens", "3", "--token-delay-ms", "0") + "; exec sleep 100000'",
                    "unloadTimeout: 1")
            // its server dies as the second chat arrives, before answering it: the connection is lost, not refused
            .model("fragile", "--die-on-request 2", "unloadTimeout: 1")
            .model("wide", "--hold-after 1 --tokens 3 --token-delay-ms 0", "concurrencyLimit: " + (WIDE_STREAMS + 1),
                    "unloadTimeout: 1")
            // llama-swap's classic leak: the server is double-forked away from the process modelswap started
            .command("forker", "sh -c '( exec " + TestConfig.fake("--port", "${PORT}", "--model-name", "forker")
                    + " & ) ; exec sleep 100000'", "unloadTimeout: 1")
            .model("squatted", "--start-delay-ms 20000", "unloadTimeout: 1")
            .model("jvmbind", "--log-lines 3", "unloadTimeout: 1");

    @Override
    protected TestConfig config() {
        return MODELS;
    }
}
