package io.modelswap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMapping.NamingStrategy;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The typed shape of a llama-swap file, as SmallRye Config maps it. Method names are llama-swap's keys (VERBATIM:
 * the default kebab-case would silently miss {@code healthCheckTimeout}). Only the loader builds it, from a fresh
 * {@code SmallRyeConfigBuilder}; the annotation is there so Quarkus generates the implementation at build time
 * (native images cannot define it at run time), and because Quarkus also binds the prefix at startup every member
 * is Optional, defaulted or a Map.
 *
 * <p>Free-form values ({@code metadata}, {@code filters.setParams}, {@code filters.setParamsByID}, {@code macros})
 * are read from the YAML tree instead (see {@link KnownKeys#FREE_FORM}): SmallRye maps strings, not JSON values.
 * Maps come back unordered; the loader takes order from the tree.
 */
@ConfigMapping(prefix = LlamaSwapFile.PREFIX, namingStrategy = NamingStrategy.VERBATIM)
public interface LlamaSwapFile {

    String PREFIX = "llamaswap-file";

    /** Seconds a model may take to become healthy; below 15 becomes 15. */
    @WithDefault("120")
    int healthCheckTimeout();

    /** Deprecated in llama-swap; parsed and ignored. */
    Optional<Boolean> logRequests();

    @WithDefault("info")
    String logLevel();

    Optional<String> logTimeFormat();

    @WithDefault("proxy")
    String logToStdout();

    @WithDefault("1000")
    int metricsMaxInMemory();

    /** MB; 0 disables capture. */
    @WithDefault("5")
    int captureBuffer();

    Optional<Store> store();

    Optional<Ui> ui();

    Optional<Performance> performance();

    @WithDefault("0")
    int globalTTL();

    /** 0 means the default, 10. */
    @WithDefault("0")
    int unloadTimeout();

    Map<String, Model> models();

    Map<String, Profile> profiles();

    Map<String, Selector> selectors();

    Optional<Routing> routing();

    /** Legacy form of {@code routing.router.settings.groups}. */
    Map<String, Group> groups();

    /** Legacy form of {@code routing.router.settings.matrix}. */
    Optional<Matrix> matrix();

    @WithDefault("5800")
    int startPort();

    Optional<Hooks> hooks();

    @WithDefault("false")
    boolean sendLoadingState();

    @WithDefault("false")
    boolean includeAliasesInList();

    Optional<List<String>> apiKeys();

    Map<String, Peer> peers();

    Optional<Upstream> upstream();

    /** Memory-aware placement; absent = off (models placed by groups or matrix only, as in llama-swap). */
    Optional<Resources> resources();

    /** modelswap's {@code security} section: scoped API keys (llama-swap keeps {@code security.cors} there too). */
    Optional<Security> security();

    interface Store {
        Optional<String> path();
    }

    interface Ui {
        Optional<Activity> activity();
    }

    interface Activity {
        Optional<List<String>> session_id();
    }

    interface Performance {
        @WithDefault("false")
        boolean disabled();

        /** A Go duration ({@code 5s}, {@code 1m30s}); parsed by the loader. */
        Optional<String> every();
    }

    interface Model {
        /** Required; checked by the loader so the message can carry the model's line. */
        Optional<String> cmd();

        Optional<String> cmdStop();

        Optional<String> proxy();

        Optional<List<String>> aliases();

        Optional<List<String>> env();

        @WithDefault("/health")
        String checkEndpoint();

        /** -1 = globalTTL, 0 = never. */
        @WithDefault("-1")
        int ttl();

        /** 0 = the global unloadTimeout. */
        @WithDefault("0")
        int unloadTimeout();

        @WithDefault("false")
        boolean unlisted();

        Optional<String> useModelName();

        Optional<String> name();

        Optional<String> description();

        /** 0 = the default, 10. */
        @WithDefault("0")
        int concurrencyLimit();

        Optional<Filters> filters();

        Optional<Boolean> sendLoadingState();

        Optional<Timeouts> timeouts();

        Optional<Compat> compat();

        Optional<Caps> capabilities();

        /** Accepted because llama-swap's struct has it; always replaced by the global value, as there. */
        Optional<Integer> healthCheckTimeout();

        /** The model's GPU memory and GPUs (memory-aware placement). */
        Optional<ModelResources> resources();

        /** The upstream's Prometheus path, merged into {@code /metrics} (modelswap only). */
        Optional<String> metricsEndpoint();
    }

    interface Filters {
        /** Comma-separated keys; {@code model} is never stripped. */
        Optional<String> stripParams();

        /** Legacy spelling of {@code stripParams}. */
        Optional<String> strip_params();
    }

    /** Unset members take the model defaults, or for peers {@code responseHeader} 60. */
    interface Timeouts {
        Optional<Integer> connect();

        Optional<Integer> keepalive();

        Optional<Integer> responseHeader();

        Optional<Integer> tlsHandshake();

        Optional<Integer> expectContinue();

        Optional<Integer> idleConn();
    }

    interface Compat {
        @WithDefault("false")
        boolean ignoreWebsockets();
    }

    interface Caps {
        @WithName("in")
        Optional<List<String>> inputs();

        @WithName("out")
        Optional<List<String>> outputs();

        @WithDefault("false")
        boolean tools();

        @WithDefault("false")
        boolean reranker();

        @WithDefault("0")
        int context();
    }

    interface Group {
        @WithDefault("true")
        boolean swap();

        @WithDefault("true")
        boolean exclusive();

        @WithDefault("false")
        boolean persistent();

        Optional<List<String>> members();
    }

    interface Matrix {
        Map<String, String> vars();

        Map<String, Integer> evict_costs();

        Map<String, String> sets();
    }

    interface Routing {
        Optional<Scheduler> scheduler();

        Optional<Router> router();
    }

    interface Scheduler {
        Optional<String> use();

        Optional<SchedulerSettings> settings();
    }

    interface SchedulerSettings {
        Optional<Fifo> fifo();
    }

    interface Fifo {
        Map<String, Integer> priority();
    }

    interface Router {
        Optional<String> use();

        Optional<RouterSettings> settings();
    }

    interface RouterSettings {
        Map<String, Group> groups();

        Optional<Matrix> matrix();
    }

    interface Hooks {
        Optional<OnStartup> on_startup();
    }

    interface OnStartup {
        Optional<List<String>> preload();

        /** The profile activated at start and after each reload that applies. */
        Optional<String> profile();
    }

    interface Profile {
        Optional<String> description();

        Map<String, String> pins();
    }

    interface Selector {
        Optional<String> strategy();

        Optional<List<String>> targets();

        Optional<SelectorSettings> settings();

        Optional<String> name();

        Optional<String> description();

        @WithDefault("false")
        boolean unlisted();
    }

    interface SelectorSettings {
        @WithDefault("1")
        int spillover();

        /** modelswap's {@code failover} strategy: seconds a target that failed is skipped (default 30). */
        Optional<Integer> backoff();
    }

    interface Peer {
        Optional<String> proxy();

        Optional<String> apiKey();

        Optional<List<String>> models();

        Optional<Filters> filters();

        Optional<Timeouts> timeouts();
    }

    interface Upstream {
        Optional<List<String>> ignorePaths();
    }

    interface Resources {
        /** The GPUs to place models on; absent = found with nvidia-smi. */
        Optional<List<Gpu>> gpus();

        /** A size ({@code 2GiB}) kept free on every GPU; parsed by the loader. */
        Optional<String> reserve();
    }

    interface Gpu {
        int id();

        /** A size ({@code 80GiB}); parsed by the loader. */
        String memory();
    }

    interface ModelResources {
        /** A size ({@code 24GiB}); parsed by the loader. */
        Optional<String> memory();

        Optional<List<Integer>> gpus();
    }

    interface Security {
        Optional<List<ScopedKey>> apiKeys();

        Optional<Cors> cors();
    }

    /** llama-swap's {@code security.cors} (its PR #1146). */
    interface Cors {
        Optional<List<String>> allowedOrigins();

        @WithDefault("false")
        boolean allowCredentials();

        Optional<List<String>> allowedMethods();

        Optional<List<String>> allowedHeaders();

        Optional<List<String>> exposedHeaders();

        @WithDefault("86400")
        int maxAge();
    }

    /** One scoped API key: exactly one of {@code key} and {@code keyFile}. */
    interface ScopedKey {
        Optional<String> key();

        Optional<String> keyFile();

        Optional<String> name();

        Optional<List<String>> models();

        @WithDefault("false")
        boolean management();

        @WithDefault("0")
        int priority();
    }
}
