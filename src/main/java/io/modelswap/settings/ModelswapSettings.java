package io.modelswap.settings;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * modelswap's own settings (Quarkus configuration: {@code application.properties}, {@code -D} system properties or
 * {@code MODELSWAP_*} environment variables). The models themselves live in the user's llama-swap YAML file.
 * The llama-swap style command-line flags ({@code -config}, {@code -listen}, ...) are translated into these.
 */
@ConfigMapping(prefix = "modelswap")
public interface ModelswapSettings {

    /** The llama-swap style configuration file. Defaults to {@code application.yaml} in the working directory. */
    @WithDefault("application.yaml")
    String config();

    /** A directory whose {@code *.yml|*.yaml} files are merged into {@link #config()} (llama-swap's {@code -config-dir}). */
    Optional<String> configDir();

    /** Configuration-file change detection. */
    Watch watch();

    /** Proxying of requests to the upstream servers. */
    Proxy proxy();

    /** The swap scheduler's settings that go beyond llama-swap. */
    Scheduling scheduling();

    /** Client connections to modelswap's HTTP server. */
    Http http();

    /** Process supervision. */
    Processes processes();

    /** Performance sampling (the YAML's {@code performance} key says whether and how often). */
    Performance performance();

    /** The activity store on disk (the YAML's {@code store.path} says where). */
    Store store();

    /** Upstreams' own metrics merged into {@code /metrics} (models with a {@code metricsEndpoint}). */
    UpstreamMetrics upstreamMetrics();

    interface UpstreamMetrics {
        /** How long one scrape of an upstream may take; a slower one is left out of that scrape. */
        @WithDefault("2s")
        Duration timeout();
    }

    interface Watch {
        /** How often the config file is checked for a change of mtime or size. Defaults to {@code 2s}; {@code off} disables. */
        @WithDefault("2s")
        String interval();
    }

    interface Proxy {
        /**
         * Largest request body read to find the {@code model}: JSON and multipart bodies are held in memory once, up to
         * this size, and larger ones get a 413 with an OpenAI-style error. Defaults to {@code 64M}.
         */
        @WithDefault("64M")
        MemorySize maxBodySize();

        /**
         * Largest request header block accepted; larger gets an OpenAI-style 431. Defaults to {@code 20K}, Vert.x's
         * usual limit. {@code quarkus.http.limits.max-header-size} sits above it, for the decoder's own bare 431.
         */
        @WithDefault("20K")
        MemorySize maxHeaderSize();

        /**
         * Most memory all buffered request bodies may hold together (bytes as they arrive, given back when their
         * exchange ends); a body that would go beyond gets an OpenAI-style 503. Defaults to half the maximum heap, and
         * never less than {@link #maxBodySize()}.
         */
        Optional<MemorySize> bodyMemoryBudget();

        /**
         * No longer used, and ignored with a warning: the pool of connections to an upstream now follows the model's
         * {@code concurrencyLimit}, so that it never holds back admitted requests. Kept so that a configuration that
         * still sets it starts.
         */
        Optional<Integer> maxConnectionsPerUpstream();
    }

    interface Http {
        /**
         * Most client connections open at once; a connection beyond is answered with an OpenAI-style 503 and closed.
         * {@code 0} (the default) sizes it from the process's open-files limit: half of what is left after a reserve
         * of 128 descriptors for upstream connections, pipes and files, at most 10,000.
         */
        @WithDefault("0")
        int maxConnections();

        /**
         * Time a connection has to send a complete request head, counted from when it opens or, on a kept-alive
         * connection, from the first byte of its next request; a connection that has not is closed (after a 408 if it
         * had started a request). Bounds slowloris clients. Defaults to {@code 30s}.
         */
        @WithDefault("30s")
        Duration headerTimeout();

        /**
         * How long a connection may stay idle between a response and the next request before it is closed (HTTP/2:
         * with a GOAWAY). Longer than the idle timeouts of common client pools (Java 30 s, Go 90 s), so that a client
         * closes an idle connection before the server does and never sends a request into one being closed.
         * Defaults to {@code 120s}.
         */
        @WithDefault("120s")
        Duration keepAliveTimeout();
    }

    interface Scheduling {
        /**
         * Longest a queued request waits before requests for the resident model stop taking the fast path and queue
         * behind it. {@code 0} (the default) keeps llama-swap's behaviour: no bound.
         */
        @WithDefault("0s")
        Duration starvationTimeout();

        /**
         * A freshly loaded model is not evicted for another model's request before it has served one request or this
         * long has passed, so alternating traffic cannot thrash. {@code 0} (the default) turns it off.
         */
        @WithDefault("0s")
        Duration minResidency();

        /** How often the run loop checks TTLs and deadlines. Defaults to {@code 250ms}. */
        @WithDefault("250ms")
        Duration tick();
    }

    interface Processes {
        /** How often a starting model's health endpoint is polled. Defaults to {@code 25ms}. */
        @WithDefault("25ms")
        Duration healthPollInterval();

        /** Time budget for stopping every model when modelswap shuts down. Defaults to {@code 20s}. */
        @WithDefault("20s")
        Duration shutdownTimeout();

        /**
         * A file where modelswap records the upstreams it started (PID and start time), so that a modelswap killed with
         * SIGKILL stops them at its next start. Defaults to {@code ${java.io.tmpdir}/modelswap-<user>-<port>.state};
         * {@code off} disables. See {@code docs/reliability.md}.
         */
        Optional<String> stateFile();
    }

    interface Performance {
        /**
         * The {@code nvidia-smi} command that per-GPU samples and the hardware snapshot come from: a name looked up on
         * the {@code PATH}, or a path. Defaults to {@code nvidia-smi}; when it cannot be run there are no GPU samples.
         */
        @WithDefault("nvidia-smi")
        String nvidiaSmi();
    }

    interface Store {
        /**
         * Most bytes the activity log keeps on disk; the oldest segments are deleted beyond it. Defaults to {@code 64M}.
         */
        @WithDefault("64M")
        MemorySize maxSize();

        /** Rows older than this are deleted from disk (whole segments at a time). Defaults to {@code 30d}. */
        @WithDefault("30d")
        Duration maxAge();
    }
}
