package io.modelswap.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Semantic checks and defaults (llama-swap's {@code LoadConfigFromReader} after decoding), producing the snapshot.
 * Every check reports and carries on, through the load's one {@link ProblemReporter}; the snapshot is only used when
 * no error was found. Order of maps comes from the tree (SmallRye's maps are unordered), values from the mapping.
 * One class per concern: {@link ModelChecks} (models and the names they answer to), {@link RoutingChecks} (groups,
 * matrix, priorities), {@link PeerChecks} (peers, selectors, profiles); the small global settings are checked here.
 */
final class ConfigValidator {

    static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");
    static final List<String> LOG_TO_STDOUT = List.of("proxy", "upstream", "both", "none");
    static final List<String> LOG_TIME_FORMATS = List.of("", "ansic", "unixdate", "rubydate", "rfc822", "rfc822z",
            "rfc850", "rfc1123", "rfc1123z", "rfc3339", "rfc3339nano", "kitchen", "stamp", "stampmilli",
            "stampmicro", "stampnano");
    static final List<String> DEFAULT_IGNORE_PATHS = List.of(".*\\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$");
    static final int DEFAULT_UNLOAD_TIMEOUT = 10;
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private final LlamaSwapFile file;
    private final ProblemReporter report;
    /** Requested name (model ID, alias, setParamsByID key) to model ID, filled by {@link ModelChecks}. */
    private final Map<String, String> names = new LinkedHashMap<>();

    private ConfigValidator(YNode root, LlamaSwapFile file, Problems problems) {
        this.file = file;
        this.report = new ProblemReporter(root, problems);
    }

    record Result(SwapConfig config, ServerSettings settings) {
    }

    static Result validate(YNode root, LlamaSwapFile file, Problems problems) {
        return new ConfigValidator(root, file, problems).run();
    }

    private Result run() {
        int healthCheckTimeout = Math.max(15, file.healthCheckTimeout());
        report.oneOf("logLevel", file.logLevel(), LOG_LEVELS);
        String timeFormat = file.logTimeFormat().orElse("");
        report.oneOf("logTimeFormat", timeFormat, LOG_TIME_FORMATS);
        report.oneOf("logToStdout", file.logToStdout(), LOG_TO_STDOUT);
        report.atLeast("metricsMaxInMemory", file.metricsMaxInMemory(), 0);
        report.atLeast("captureBuffer", file.captureBuffer(), 0);
        report.atLeast("globalTTL", file.globalTTL(), 0);
        report.atLeast("unloadTimeout", file.unloadTimeout(), 0);
        int unloadTimeout = file.unloadTimeout() == 0 ? DEFAULT_UNLOAD_TIMEOUT : file.unloadTimeout();

        ModelChecks modelChecks = new ModelChecks(report, file, names);
        Map<String, ModelConfig> models = modelChecks.models(healthCheckTimeout, unloadTimeout);
        RoutingConfig routing = new RoutingChecks(report, file, names).routing(models);
        PeerChecks peerChecks = new PeerChecks(report, file, names, modelChecks);
        Map<String, PeerConfig> peers = peerChecks.peers(models);
        Map<String, SelectorConfig> selectors = peerChecks.selectors(models, peers);
        Map<String, ProfileConfig> profiles = peerChecks.profiles(peers, selectors);

        List<String> apiKeys = apiKeys();
        SecurityValidator securityChecks = new SecurityValidator(report, file);
        SecurityConfig security = new SecurityConfig(securityChecks.keys(apiKeys, models), securityChecks.cors());
        SwapConfig config = new SwapConfig(healthCheckTimeout, file.logLevel(), timeFormat, file.logToStdout(),
                file.metricsMaxInMemory(), file.captureBuffer(), file.startPort(), file.sendLoadingState(),
                file.includeAliasesInList(), Math.max(0, file.globalTTL()), unloadTimeout, apiKeys, ignorePaths(),
                new TreeMap<>(models), routing, preload(), peers, profiles, selectors, startupProfile(profiles),
                new ResourcesReader(report, file).read(models, routing), security);
        return new Result(config, settings());
    }

    // ---------------------------------------------------------------- small global settings

    private List<String> apiKeys() {
        List<String> keys = new ArrayList<>();
        YNode tree = report.node("apiKeys");
        if (tree == null) {
            return keys;
        }
        if (!tree.isSeq()) {
            report.error("apiKeys", "must be a list of keys");
            return keys;
        }
        for (int i = 0; i < tree.items().size(); i++) {
            YNode key = tree.items().get(i);
            String value = key.isScalar() && !key.isNull() ? key.value() : "";
            if (value.isEmpty()) {
                report.error(key, "apiKeys[" + i + "]", "an API key cannot be empty");
            } else if (value.chars().anyMatch(Character::isWhitespace)) {
                report.error(key, "apiKeys[" + i + "]", "an API key cannot contain spaces");
            } else {
                keys.add(value);
            }
        }
        return keys;
    }

    private List<String> ignorePaths() {
        List<String> paths = file.upstream().flatMap(LlamaSwapFile.Upstream::ignorePaths).orElse(List.of());
        for (int i = 0; i < paths.size(); i++) {
            try {
                Pattern.compile(paths.get(i));
            } catch (PatternSyntaxException e) {
                report.error("upstream.ignorePaths[" + i + "]", "invalid regular expression '" + paths.get(i) + "': "
                        + e.getDescription());
            }
        }
        return paths.isEmpty() ? DEFAULT_IGNORE_PATHS : paths;
    }

    private List<String> preload() {
        List<String> preload = new ArrayList<>();
        List<String> requested = file.hooks().flatMap(LlamaSwapFile.Hooks::on_startup)
                .flatMap(LlamaSwapFile.OnStartup::preload).orElse(List.of());
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i).strip();
            if (name.isEmpty()) {
                continue;
            }
            String model = names.get(name);
            if (model == null) {
                report.warn("hooks.on_startup.preload[" + i + "]", "unknown model '" + name + "', not preloaded");
            } else if (!preload.contains(model)) {
                preload.add(model);
            }
        }
        return preload;
    }

    /** {@code hooks.on_startup.profile}: a profile that does not exist is a warning, and none is activated. */
    private String startupProfile(Map<String, ProfileConfig> profiles) {
        String name = file.hooks().flatMap(LlamaSwapFile.Hooks::on_startup).flatMap(LlamaSwapFile.OnStartup::profile)
                .map(String::strip).orElse("");
        if (!name.isEmpty() && !profiles.containsKey(name)) {
            report.warn("hooks.on_startup.profile", "unknown profile '" + name + "', none is activated");
            return "";
        }
        return name;
    }

    private ServerSettings settings() {
        Optional<String> store = file.store().flatMap(LlamaSwapFile.Store::path).filter(p -> !p.isBlank());
        if (report.node("store") != null && store.isEmpty()) {
            report.error("store.path", "is required when store is set");
        }
        boolean disabled = file.performance().map(LlamaSwapFile.Performance::disabled).orElse(false);
        Duration every = Duration.ofSeconds(5);
        Optional<String> everyText = file.performance().flatMap(LlamaSwapFile.Performance::every);
        if (everyText.isPresent()) {
            Duration parsed = goDuration(everyText.get());
            if (parsed == null) {
                report.error("performance.every", "invalid duration '" + everyText.get() + "' (e.g. 5s, 1m)");
            } else if (parsed.compareTo(Duration.ofSeconds(5)) < 0) {
                report.error("performance.every", "must be at least 5s (got " + everyText.get() + ")");
            } else {
                every = parsed;
            }
        }
        List<String> headers = file.ui().flatMap(LlamaSwapFile.Ui::activity)
                .flatMap(LlamaSwapFile.Activity::session_id).orElse(ServerSettings.DEFAULT_SESSION_HEADERS);
        Map<String, String> unique = new LinkedHashMap<>();
        for (String header : headers) {
            String name = header.strip();
            if (!name.isEmpty()) {
                unique.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), name);
            }
        }
        return new ServerSettings(store, disabled, every, new ArrayList<>(unique.values()));
    }

    /** Go's {@code time.ParseDuration}, positive values only ({@code 1m30s}, {@code 500ms}, {@code 5s}). */
    static Duration goDuration(String text) {
        java.util.regex.Matcher m = GO_DURATION.matcher(text.strip());
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            double unit;
            switch (m.group(2)) {
                case "ns": unit = 1; break;
                case "us": case "µs": unit = 1e3; break;
                case "ms": unit = 1e6; break;
                case "s": unit = 1e9; break;
                case "m": unit = 60e9; break;
                default: unit = 3600e9; break;
            }
            nanos += (long) (amount * unit);
            end = m.end();
        }
        return end == 0 || end != text.strip().length() ? null : Duration.ofNanos(nanos);
    }
}
