package io.modelswap.config;

import io.modelswap.matrix.MatrixException;
import io.modelswap.matrix.MatrixProblem;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Semantic checks and defaults (llama-swap's {@code LoadConfigFromReader} after decoding), producing the snapshot.
 * Every check reports and carries on; the snapshot is only used when no error was found. Order of maps comes from
 * the tree (SmallRye's maps are unordered), values from the mapping.
 */
final class ConfigValidator {

    static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");
    static final List<String> LOG_TO_STDOUT = List.of("proxy", "upstream", "both", "none");
    static final List<String> LOG_TIME_FORMATS = List.of("", "ansic", "unixdate", "rubydate", "rfc822", "rfc822z",
            "rfc850", "rfc1123", "rfc1123z", "rfc3339", "rfc3339nano", "kitchen", "stamp", "stampmilli",
            "stampmicro", "stampnano");
    static final List<String> DEFAULT_IGNORE_PATHS = List.of(".*\\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$");
    static final String COMFYUI_MODEL_ID = "comfyui_auto";
    static final int DEFAULT_CONCURRENCY = 10;
    static final int DEFAULT_UNLOAD_TIMEOUT = 10;
    private static final Set<String> MODALITIES = Set.of("text", "audio", "image");
    private static final Pattern MATRIX_VAR = Pattern.compile("^[A-Za-z0-9.-]{1,32}$");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private final YNode root;
    private final LlamaSwapFile file;
    private final Map<String, YNode> index;
    private final Problems problems;

    /** Requested name (model ID, alias, setParamsByID key) to model ID. */
    private final Map<String, String> names = new LinkedHashMap<>();

    private ConfigValidator(YNode root, LlamaSwapFile file, Problems problems) {
        this.root = root;
        this.file = file;
        this.index = ConfigMapper.index(root);
        this.problems = problems;
    }

    record Result(SwapConfig config, ServerSettings settings) {
    }

    static Result validate(YNode root, LlamaSwapFile file, Problems problems) {
        return new ConfigValidator(root, file, problems).run();
    }

    private Result run() {
        int healthCheckTimeout = Math.max(15, file.healthCheckTimeout());
        oneOf("logLevel", file.logLevel(), LOG_LEVELS);
        String timeFormat = file.logTimeFormat().orElse("");
        oneOf("logTimeFormat", timeFormat, LOG_TIME_FORMATS);
        oneOf("logToStdout", file.logToStdout(), LOG_TO_STDOUT);
        atLeast("metricsMaxInMemory", file.metricsMaxInMemory(), 0);
        atLeast("captureBuffer", file.captureBuffer(), 0);
        atLeast("globalTTL", file.globalTTL(), 0);
        atLeast("unloadTimeout", file.unloadTimeout(), 0);
        int unloadTimeout = file.unloadTimeout() == 0 ? DEFAULT_UNLOAD_TIMEOUT : file.unloadTimeout();

        Map<String, ModelConfig> models = models(healthCheckTimeout, unloadTimeout);
        RoutingConfig routing = routing(models);
        Map<String, PeerConfig> peers = peers(models);
        Map<String, SelectorConfig> selectors = selectors(models, peers);
        Map<String, ProfileConfig> profiles = profiles(peers, selectors);

        List<String> apiKeys = apiKeys();
        SecurityConfig security = new SecurityConfig(new SecurityValidator(root, file, problems).keys(apiKeys, models));
        SwapConfig config = new SwapConfig(healthCheckTimeout, file.logLevel(), timeFormat, file.logToStdout(),
                file.metricsMaxInMemory(), file.captureBuffer(), file.startPort(), file.sendLoadingState(),
                file.includeAliasesInList(), Math.max(0, file.globalTTL()), unloadTimeout, apiKeys, ignorePaths(),
                new TreeMap<>(models), routing, preload(), peers, profiles, selectors, security);
        return new Result(config, settings());
    }

    // ---------------------------------------------------------------- models

    private Map<String, ModelConfig> models(int healthCheckTimeout, int unloadTimeout) {
        Map<String, ModelConfig> models = new TreeMap<>();
        YNode tree = root.get("models");
        if (tree == null) {
            // An empty or truncated file must not start (or replace a working configuration) with nothing in it.
            error("models", "is required: this configuration defines no models; write 'models: {}' to run"
                    + " without any");
            return models;
        }
        if (tree.isNull()) {
            error("models", "lists no model (every entry is removed or commented out); write 'models: {}' to run"
                    + " without any");
            return models;
        }
        if (!tree.isMap()) {
            error("models", "must be a mapping of model IDs to models");
            return models;
        }
        for (String id : new TreeSet<>(tree.entries().keySet())) {
            names.put(id, id);
        }
        for (String id : new TreeSet<>(tree.entries().keySet())) {
            String path = Keys.join("models", id);
            LlamaSwapFile.Model m = file.models().get(id);
            if (!tree.get(id).isMap() || m == null) {
                error(path + ".cmd", "is required");
                continue;
            }
            ModelConfig model = model(id, path, m, healthCheckTimeout, unloadTimeout);
            if (model != null) {
                models.put(id, model);
            }
        }
        return models;
    }

    private ModelConfig model(String id, String path, LlamaSwapFile.Model m, int healthCheckTimeout,
            int globalUnload) {
        String cmd = m.cmd().orElse("");
        if (cmd.isBlank()) {
            error(path + ".cmd", "is required");
        }
        int ttl = m.ttl();
        if (ttl == -1) {
            ttl = Math.max(0, file.globalTTL());
        } else if (ttl < 0) {
            error(path + ".ttl", "must be -1 (use globalTTL) or >= 0 (got " + ttl + ")");
        }
        atLeast(path + ".unloadTimeout", m.unloadTimeout(), 0);
        int unload = m.unloadTimeout() <= 0 ? globalUnload : m.unloadTimeout();
        atLeast(path + ".concurrencyLimit", m.concurrencyLimit(), 0);
        int concurrency = m.concurrencyLimit() > 0 ? m.concurrencyLimit() : DEFAULT_CONCURRENCY;
        boolean ignoreWebsockets = m.compat().map(LlamaSwapFile.Compat::ignoreWebsockets).orElse(false);
        if (id.equals(COMFYUI_MODEL_ID)) {
            // ComfyUI opens many parallel requests and a websocket; llama-swap forces these for it.
            concurrency = Math.max(concurrency, 50);
            ignoreWebsockets = true;
        }
        String proxy = m.proxy().orElse("");
        url(path + ".proxy", proxy);

        List<String> env = m.env().orElse(List.of());
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).indexOf('=') <= 0) {
                error(path + ".env[" + i + "]", "must be NAME=value (got '" + env.get(i) + "')");
            }
        }

        List<String> aliases = new ArrayList<>();
        for (String alias : m.aliases().orElse(List.of())) {
            addName(alias, id, path + ".aliases", "alias", aliases);
        }
        ModelFilters filters = filters(path, m.filters(), true);
        for (String key : filters.setParamsByID().keySet()) {
            if (!key.equals(id)) {
                addName(key, id, Keys.join(path + ".filters.setParamsByID", key), "setParamsByID key", aliases);
            }
        }

        return new ModelConfig(id, cmd, m.cmdStop().orElse(""), proxy, m.checkEndpoint(), Math.max(0, ttl), unload,
                healthCheckTimeout, aliases, env, m.useModelName().orElse(""), m.name().orElse(""),
                m.description().orElse(""), m.unlisted(), concurrency,
                m.sendLoadingState().orElse(file.sendLoadingState()), filters, freeForm(path + ".metadata"),
                timeouts(path + ".timeouts", m.timeouts(), 0), ignoreWebsockets, capabilities(path, m.capabilities()));
    }

    /** Registers a requested name of {@code id}; names are unique across models, aliases and setParamsByID keys. */
    private void addName(String name, String id, String path, String what, List<String> aliases) {
        String owner = names.get(name);
        if (owner == null) {
            names.put(name, id);
            aliases.add(name);
        } else if (owner.equals(name) && !owner.equals(id)) {
            error(path, what + " '" + name + "' is the ID of another model");
        } else if (!owner.equals(id)) {
            error(path, what + " '" + name + "' is already used by model " + owner);
        } else if (!aliases.contains(name) && !name.equals(id)) {
            aliases.add(name);
        }
    }

    private ModelFilters filters(String path, Optional<LlamaSwapFile.Filters> mapped, boolean model) {
        String strip = mapped.flatMap(LlamaSwapFile.Filters::stripParams)
                .or(() -> model ? mapped.flatMap(LlamaSwapFile.Filters::strip_params) : Optional.empty())
                .orElse("");
        TreeSet<String> stripParams = new TreeSet<>();
        for (String param : strip.split(",")) {
            String trimmed = param.strip();
            if (!trimmed.isEmpty() && !trimmed.equals("model")) {
                stripParams.add(trimmed);
            }
        }
        Map<String, Object> setParams = withoutModel(freeForm(path + ".filters.setParams"));
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        YNode byIdTree = root.path(path(path + ".filters.setParamsByID"));
        if (model && byIdTree != null && byIdTree.isMap()) {
            byIdTree.entries().forEach((key, value) -> {
                if (value.isMap()) {
                    byId.put(key, withoutModel(nonNull(value)));
                } else if (!value.isNull()) {
                    problems.error(value, Keys.join(path + ".filters.setParamsByID", key),
                            "must be a mapping of parameters");
                }
            });
        }
        return new ModelFilters(new ArrayList<>(stripParams), setParams, byId);
    }

    private static Map<String, Object> withoutModel(Map<String, Object> params) {
        Map<String, Object> copy = new LinkedHashMap<>(params);
        copy.remove("model"); // the router owns the model field
        return copy;
    }

    private UpstreamTimeouts timeouts(String path, Optional<LlamaSwapFile.Timeouts> mapped, int responseHeader) {
        UpstreamTimeouts d = UpstreamTimeouts.DEFAULTS;
        if (mapped.isEmpty()) {
            return new UpstreamTimeouts(d.connect(), d.keepalive(), responseHeader, d.tlsHandshake(),
                    d.expectContinue(), d.idleConn());
        }
        LlamaSwapFile.Timeouts t = mapped.get();
        return new UpstreamTimeouts(seconds(path + ".connect", t.connect(), d.connect()),
                seconds(path + ".keepalive", t.keepalive(), d.keepalive()),
                seconds(path + ".responseHeader", t.responseHeader(), responseHeader),
                seconds(path + ".tlsHandshake", t.tlsHandshake(), d.tlsHandshake()),
                seconds(path + ".expectContinue", t.expectContinue(), d.expectContinue()),
                seconds(path + ".idleConn", t.idleConn(), d.idleConn()));
    }

    private int seconds(String path, Optional<Integer> value, int fallback) {
        value.ifPresent(v -> atLeast(path, v, 0));
        return value.orElse(fallback);
    }

    private Capabilities capabilities(String path, Optional<LlamaSwapFile.Caps> mapped) {
        if (mapped.isEmpty()) {
            return Capabilities.NONE;
        }
        LlamaSwapFile.Caps caps = mapped.get();
        List<String> in = caps.inputs().orElse(List.of());
        List<String> out = caps.outputs().orElse(List.of());
        modalities(path + ".capabilities.in", in);
        modalities(path + ".capabilities.out", out);
        atLeast(path + ".capabilities.context", caps.context(), 0);
        return new Capabilities(in, out, caps.tools(), caps.reranker(), Math.max(0, caps.context()));
    }

    private void modalities(String path, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (!MODALITIES.contains(values.get(i))) {
                error(path + "[" + i + "]", "invalid modality '" + values.get(i) + "', must be one of: text, audio, image");
            }
        }
    }

    // ---------------------------------------------------------------- routing

    private RoutingConfig routing(Map<String, ModelConfig> models) {
        YNode legacyGroups = nonNullNode("groups");
        YNode legacyMatrix = nonNullNode("matrix");
        YNode router = nonNullNode("routing.router");
        Optional<LlamaSwapFile.Router> mappedRouter = file.routing().flatMap(LlamaSwapFile.Routing::router);
        boolean hasRouter = mappedRouter.flatMap(LlamaSwapFile.Router::use).isPresent()
                || nonNullNode("routing.router.settings.matrix") != null
                || (nonNullNode("routing.router.settings.groups") != null
                        && !nonNullNode("routing.router.settings.groups").entries().isEmpty());

        String use = RoutingConfig.GROUP;
        Map<String, LlamaSwapFile.Group> groupValues = Map.of();
        String groupsPath = null;
        Optional<LlamaSwapFile.Matrix> matrix = Optional.empty();
        String matrixPath = null;
        if ((legacyGroups != null || legacyMatrix != null) && hasRouter) {
            YNode at = legacyGroups != null ? legacyGroups : legacyMatrix;
            problems.error(at, legacyGroups != null ? "groups" : "matrix", "the legacy top-level 'groups'/'matrix'"
                    + " cannot be mixed with 'routing.router' (defined at line " + router.line()
                    + "); move them into routing.router.settings");
        } else if (legacyGroups != null || legacyMatrix != null) {
            if (legacyGroups != null && legacyMatrix != null && !legacyGroups.entries().isEmpty()) {
                error("matrix", "cannot use both 'groups' and 'matrix'");
            }
            groupValues = file.groups();
            groupsPath = "groups";
            if (legacyMatrix != null) {
                use = RoutingConfig.MATRIX;
                matrix = file.matrix();
                matrixPath = "matrix";
            }
        } else if (hasRouter) {
            String requested = mappedRouter.flatMap(LlamaSwapFile.Router::use).orElse(RoutingConfig.GROUP);
            Optional<LlamaSwapFile.RouterSettings> settings = mappedRouter.flatMap(LlamaSwapFile.Router::settings);
            if (requested.equals(RoutingConfig.MATRIX)) {
                use = RoutingConfig.MATRIX;
                matrixPath = "routing.router.settings.matrix";
                matrix = settings.flatMap(LlamaSwapFile.RouterSettings::matrix);
                if (nonNullNode(matrixPath) == null) {
                    error("routing.router.use", "is 'matrix' but routing.router.settings.matrix is not set");
                    matrixPath = null;
                }
            } else if (requested.equals(RoutingConfig.GROUP)) {
                groupValues = settings.map(LlamaSwapFile.RouterSettings::groups).orElse(Map.of());
                groupsPath = "routing.router.settings.groups";
            } else {
                error("routing.router.use", "unknown router '" + requested + "' (valid: group, matrix)");
            }
        }

        List<GroupConfig> groups = new ArrayList<>();
        Optional<MatrixConfig> matrixConfig = Optional.empty();
        if (use.equals(RoutingConfig.MATRIX)) {
            if (matrixPath != null) {
                matrixConfig = matrix(matrixPath, matrix, models);
            }
        } else {
            groups = groups(groupsPath, groupValues, models);
        }
        return new RoutingConfig(use, groups, matrixConfig, priorities());
    }

    private List<GroupConfig> groups(String path, Map<String, LlamaSwapFile.Group> values,
            Map<String, ModelConfig> models) {
        List<GroupConfig> groups = new ArrayList<>();
        Map<String, String> groupOf = new LinkedHashMap<>();
        YNode tree = path == null ? null : nonNullNode(path);
        if (tree != null && !tree.isMap()) {
            error(path, "must be a mapping of group IDs to groups");
        } else if (tree != null) {
            for (String id : tree.entries().keySet()) {
                String groupPath = Keys.join(path, id);
                LlamaSwapFile.Group g = values.get(id);
                List<String> members = g == null ? List.of() : g.members().orElse(List.of());
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < members.size(); i++) {
                    String member = members.get(i);
                    String at = groupPath + ".members[" + i + "]";
                    if (!seen.add(member)) {
                        error(at, "duplicate member '" + member + "'");
                    } else if (!names.containsKey(member) || !names.get(member).equals(member)) {
                        error(at, "unknown model '" + member + "'");
                    } else if (groupOf.containsKey(member)) {
                        error(at, "model '" + member + "' is already a member of group " + groupOf.get(member));
                    } else {
                        groupOf.put(member, id);
                    }
                }
                groups.add(g == null ? new GroupConfig(id, true, true, false, List.of())
                        : new GroupConfig(id, g.swap(), g.exclusive(), g.persistent(), List.copyOf(seen.size()
                                == members.size() ? members : new ArrayList<>(new LinkedHashSet<>(members)))));
            }
        }
        List<String> ungrouped = new ArrayList<>();
        for (String id : models.keySet()) {
            if (!groupOf.containsKey(id)) {
                ungrouped.add(id);
            }
        }
        if (!ungrouped.isEmpty()) {
            groups.add(new GroupConfig(GroupConfig.DEFAULT_ID, true, true, false, ungrouped));
        }
        return groups;
    }

    /** The matrix, compiled; empty when it has problems (reported). */
    private Optional<MatrixConfig> matrix(String path, Optional<LlamaSwapFile.Matrix> mapped,
            Map<String, ModelConfig> models) {
        YNode tree = nonNullNode(path);
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, Integer> costs = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>();
        if (tree == null || !tree.isMap()) {
            error(path, "must be a mapping with vars, evict_costs and sets");
            return Optional.empty();
        }
        LlamaSwapFile.Matrix m = mapped.orElse(null);
        YNode varTree = tree.get("vars");
        if (varTree != null && varTree.isMap() && m != null) {
            for (String key : varTree.entries().keySet()) {
                String at = Keys.join(path + ".vars", key);
                String model = m.vars().get(key);
                if (!MATRIX_VAR.matcher(key).matches()) {
                    error(at, "var names must be 1-32 characters of letters, digits, '-' or '.'");
                } else if (model == null || !models.containsKey(model)) {
                    error(at, "unknown model '" + (model == null ? "" : model) + "'");
                } else {
                    vars.put(key, model);
                }
            }
        }
        YNode costTree = tree.get("evict_costs");
        if (costTree != null && costTree.isMap() && m != null) {
            for (String key : costTree.entries().keySet()) {
                String at = Keys.join(path + ".evict_costs", key);
                Integer cost = m.evict_costs().get(key);
                if (cost == null) {
                    continue; // null value; a wrong type was reported by the mapping
                }
                if (cost <= 0) {
                    error(at, "must be a positive integer (got " + cost + ")");
                } else if (!vars.containsKey(key) && !models.containsKey(key)) {
                    error(at, "unknown var or model '" + key + "'");
                } else {
                    costs.put(key, cost);
                }
            }
        }
        YNode setTree = tree.get("sets");
        if (setTree != null && setTree.isMap() && m != null) {
            for (Map.Entry<String, YNode> entry : setTree.entries().entrySet()) {
                String dsl = m.sets().get(entry.getKey());
                if (!entry.getValue().isScalar() || dsl == null || dsl.isBlank()) {
                    problems.error(entry.getValue(), Keys.join(path + ".sets", entry.getKey()),
                            "must be a non-empty set expression");
                } else {
                    sets.put(entry.getKey(), dsl);
                }
            }
        }
        if (setTree == null || !setTree.isMap() || setTree.entries().isEmpty()) {
            error(path + ".sets", "the matrix must define at least one set");
        }
        return compile(path, vars, costs, sets, models);
    }

    /**
     * Compiles the matrix DSL, once for the snapshot's lifetime: its semantic problems (unknown identifiers, cycles,
     * undefined {@code +refs}) are reported here. Only the problems of the set expressions are: vars and evict costs
     * were checked above, and repeating them would only say the same thing twice.
     */
    private Optional<MatrixConfig> compile(String path, Map<String, String> vars, Map<String, Integer> costs,
            Map<String, String> sets, Map<String, ModelConfig> models) {
        if (sets.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MatrixConfig.compile(vars, costs, sets, models.keySet()));
        } catch (MatrixException e) {
            for (MatrixProblem problem : e.problems()) {
                if (problem.key().startsWith("sets.")) {
                    error(Keys.join(path + ".sets", problem.key().substring("sets.".length())), problem.message());
                }
            }
            return Optional.empty();
        }
    }

    private Map<String, Integer> priorities() {
        Optional<LlamaSwapFile.Scheduler> scheduler = file.routing().flatMap(LlamaSwapFile.Routing::scheduler);
        String use = scheduler.flatMap(LlamaSwapFile.Scheduler::use).orElse("fifo");
        if (!use.equals("fifo")) {
            error("routing.scheduler.use", "unknown scheduler '" + use + "' (valid: fifo)");
        }
        Map<String, Integer> mapped = scheduler.flatMap(LlamaSwapFile.Scheduler::settings)
                .flatMap(LlamaSwapFile.SchedulerSettings::fifo).map(LlamaSwapFile.Fifo::priority).orElse(Map.of());
        Map<String, Integer> priorities = new LinkedHashMap<>();
        YNode tree = nonNullNode("routing.scheduler.settings.fifo.priority");
        if (tree != null && tree.isMap()) {
            for (String name : tree.entries().keySet()) {
                Integer priority = mapped.get(name);
                if (!names.containsKey(name)) {
                    error(Keys.join("routing.scheduler.settings.fifo.priority", name), "unknown model '" + name + "'");
                } else if (priority != null) {
                    priorities.put(names.get(name), priority);
                }
            }
        }
        return priorities;
    }

    // ---------------------------------------------------------------- peers, selectors, profiles

    private Map<String, PeerConfig> peers(Map<String, ModelConfig> models) {
        Map<String, PeerConfig> peers = new LinkedHashMap<>();
        YNode tree = nonNullNode("peers");
        if (tree == null || !tree.isMap()) {
            return peers;
        }
        Map<String, String> fqns = new LinkedHashMap<>();
        for (String id : new TreeSet<>(tree.entries().keySet())) {
            String path = Keys.join("peers", id);
            LlamaSwapFile.Peer p = file.peers().get(id);
            String proxy = p == null ? "" : p.proxy().orElse("");
            if (proxy.isBlank()) {
                error(path + ".proxy", "is required");
            } else {
                url(path + ".proxy", proxy);
            }
            List<String> peerModels = p == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(
                    p.models().orElse(List.of())));
            if (peerModels.isEmpty()) {
                error(path + ".models", "must list at least one model");
            }
            for (String model : peerModels) {
                String fqn = id + "/" + model;
                if (fqns.containsKey(fqn)) {
                    error(path + ".models", "peer model name '" + fqn + "' is also a model of peer " + fqns.get(fqn));
                } else if (names.containsKey(fqn)) {
                    error(path + ".models", "peer model name '" + fqn + "' conflicts with a model ID or alias of "
                            + names.get(fqn));
                }
                fqns.put(fqn, id);
            }
            peers.put(id, new PeerConfig(id, proxy, p == null ? "" : p.apiKey().orElse(""), peerModels,
                    filters(path, p == null ? Optional.empty() : p.filters(), false),
                    timeouts(path + ".timeouts", p == null ? Optional.empty() : p.timeouts(), 60)));
        }
        Map<String, PeerConfig> ordered = new LinkedHashMap<>();
        tree.entries().keySet().forEach(id -> ordered.put(id, peers.get(id)));
        return ordered;
    }

    /** A peer model: {@code peer/model}, or a bare model name that exactly one peer serves (llama-swap's rule). */
    private boolean isPeerModel(String name, Map<String, PeerConfig> peers) {
        int slash = name.indexOf('/');
        while (slash > 0) {
            PeerConfig peer = peers.get(name.substring(0, slash));
            if (peer != null && peer.models().contains(name.substring(slash + 1))) {
                return true;
            }
            slash = name.indexOf('/', slash + 1);
        }
        return peers.values().stream().filter(p -> p.models().contains(name)).count() == 1;
    }

    private Map<String, SelectorConfig> selectors(Map<String, ModelConfig> models, Map<String, PeerConfig> peers) {
        Map<String, SelectorConfig> selectors = new LinkedHashMap<>();
        YNode tree = nonNullNode("selectors");
        if (tree == null || !tree.isMap()) {
            return selectors;
        }
        for (String id : tree.entries().keySet()) {
            String path = Keys.join("selectors", id);
            LlamaSwapFile.Selector s = file.selectors().get(id);
            if (id.isBlank()) {
                error(path, "selector names cannot be empty");
            } else if (names.containsKey(id)) {
                error(path, "name conflicts with " + (names.get(id).equals(id) ? "model ID" : "an alias of model "
                        + names.get(id)));
            } else if (isPeerModel(id, peers)) {
                error(path, "name conflicts with a peer model name");
            }
            String strategy = s == null ? "" : s.strategy().orElse("");
            if (strategy.isEmpty()) {
                error(path + ".strategy", "is required");
            } else if (!List.of("warm", "pin", "spillover").contains(strategy)) {
                error(path + ".strategy", "unknown strategy '" + strategy + "' (valid: warm, pin, spillover)");
            }
            List<String> targets = s == null ? List.of() : s.targets().orElse(List.of());
            if (targets.isEmpty()) {
                error(path + ".targets", "must contain at least one entry");
            }
            Set<String> resolved = new HashSet<>();
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                String at = path + ".targets[" + i + "]";
                boolean local = names.containsKey(target);
                if (tree.entries().containsKey(target)) {
                    error(at, "references selector '" + target + "'; selector chaining is not supported");
                } else if (!local && !isPeerModel(target, peers)) {
                    error(at, "unknown model '" + target + "'");
                } else if (strategy.equals("warm") && !local) {
                    error(at, "must be a local model for strategy 'warm'");
                } else if (strategy.equals("spillover") && !resolved.add(local ? names.get(target) : target)) {
                    error(at, "duplicate resolved model '" + (local ? names.get(target) : target) + "'");
                }
            }
            int spillover = s == null ? 1 : s.settings().map(LlamaSwapFile.SelectorSettings::spillover).orElse(1);
            if (strategy.equals("spillover")) {
                atLeast(path + ".settings.spillover", spillover, 1);
            }
            selectors.put(id, new SelectorConfig(id, strategy, targets, spillover,
                    s == null ? "" : s.name().orElse(""), s == null ? "" : s.description().orElse(""),
                    s != null && s.unlisted(), freeForm(path + ".metadata")));
        }
        return selectors;
    }

    private Map<String, ProfileConfig> profiles(Map<String, PeerConfig> peers, Map<String, SelectorConfig> selectors) {
        Map<String, ProfileConfig> profiles = new LinkedHashMap<>();
        YNode tree = nonNullNode("profiles");
        if (tree == null || !tree.isMap()) {
            return profiles;
        }
        tree.entries().forEach((name, node) -> {
            String path = Keys.join("profiles", name);
            if (!node.isMap()) {
                problems.error(node, path, "a profile must be a mapping with description and pins; the legacy list"
                        + " syntax is no longer supported");
                return;
            }
            LlamaSwapFile.Profile p = file.profiles().get(name);
            YNode pinTree = node.get("pins");
            Map<String, String> pins = new LinkedHashMap<>();
            if (pinTree != null && pinTree.isMap()) {
                pinTree.entries().forEach((pin, target) -> {
                    String value = p == null ? null : p.pins().get(pin);
                    value = value == null ? "" : value;
                    String at = Keys.join(path + ".pins", pin);
                    if (pin.isBlank()) {
                        error(at, "pin names cannot be empty");
                    } else if (isPeerModel(pin, peers)) {
                        error(at, "pin '" + pin + "' conflicts with a peer model name");
                    } else if (!value.isEmpty() && !names.containsKey(value) && !isPeerModel(value, peers)
                            && !selectors.containsKey(value)) {
                        error(at, "unknown model '" + value + "'");
                    }
                    pins.put(pin, value);
                });
            }
            if (pins.isEmpty()) {
                error(path + ".pins", "must contain at least one entry");
            }
            profiles.put(name, new ProfileConfig(name, p == null ? "" : p.description().orElse(""), pins));
        });
        return profiles;
    }

    // ---------------------------------------------------------------- small global settings

    private List<String> apiKeys() {
        List<String> keys = new ArrayList<>();
        YNode tree = nonNullNode("apiKeys");
        if (tree == null) {
            return keys;
        }
        if (!tree.isSeq()) {
            error("apiKeys", "must be a list of keys");
            return keys;
        }
        for (int i = 0; i < tree.items().size(); i++) {
            YNode key = tree.items().get(i);
            String value = key.isScalar() && !key.isNull() ? key.value() : "";
            if (value.isEmpty()) {
                problems.error(key, "apiKeys[" + i + "]", "an API key cannot be empty");
            } else if (value.chars().anyMatch(Character::isWhitespace)) {
                problems.error(key, "apiKeys[" + i + "]", "an API key cannot contain spaces");
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
                error("upstream.ignorePaths[" + i + "]", "invalid regular expression '" + paths.get(i) + "': "
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
                YNode at = nearest("hooks.on_startup.preload[" + i + "]");
                problems.warn(at, "hooks.on_startup.preload[" + i + "]", "unknown model '" + name + "', not preloaded");
            } else if (!preload.contains(model)) {
                preload.add(model);
            }
        }
        return preload;
    }

    private ServerSettings settings() {
        Optional<String> store = file.store().flatMap(LlamaSwapFile.Store::path).filter(p -> !p.isBlank());
        if (nonNullNode("store") != null && store.isEmpty()) {
            error("store.path", "is required when store is set");
        }
        boolean disabled = file.performance().map(LlamaSwapFile.Performance::disabled).orElse(false);
        Duration every = Duration.ofSeconds(5);
        Optional<String> everyText = file.performance().flatMap(LlamaSwapFile.Performance::every);
        if (everyText.isPresent()) {
            Duration parsed = goDuration(everyText.get());
            if (parsed == null) {
                error("performance.every", "invalid duration '" + everyText.get() + "' (e.g. 5s, 1m)");
            } else if (parsed.compareTo(Duration.ofSeconds(5)) < 0) {
                error("performance.every", "must be at least 5s (got " + everyText.get() + ")");
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

    // ---------------------------------------------------------------- helpers

    private Map<String, Object> freeForm(String path) {
        YNode node = root.path(path(path));
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isMap()) {
            problems.error(node, path, "must be a mapping");
            return Map.of();
        }
        return nonNull(node);
    }

    /** Java values of a mapping; null entries are dropped (the snapshot's immutable maps cannot hold them). */
    private static Map<String, Object> nonNull(YNode map) {
        Map<String, Object> values = new LinkedHashMap<>();
        map.entries().forEach((key, child) -> {
            Object value = child.toJava();
            if (value != null) {
                values.put(key, value);
            }
        });
        return values;
    }

    /** Splits a key path as {@link Keys} spells it back into keys. */
    static String[] path(String keyPath) {
        List<String> keys = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        boolean quoted = false;
        for (char c : keyPath.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                keys.add(key.toString());
                key.setLength(0);
            } else {
                key.append(c);
            }
        }
        keys.add(key.toString());
        return keys.toArray(new String[0]);
    }

    private YNode nonNullNode(String keyPath) {
        YNode node = root.path(path(keyPath));
        return node == null || node.isNull() ? null : node;
    }

    private YNode nearest(String keyPath) {
        String p = keyPath;
        while (!p.isEmpty()) {
            YNode node = index.get(p);
            if (node != null) {
                return node;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut > 0 ? p.substring(0, cut) : "";
        }
        return root;
    }

    private void error(String keyPath, String message) {
        problems.error(nearest(keyPath), keyPath, message);
    }

    private void atLeast(String keyPath, int value, int min) {
        if (value < min) {
            error(keyPath, "must be >= " + min + " (got " + value + ")");
        }
    }

    private void oneOf(String keyPath, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            error(keyPath, "must be one of " + String.join(", ", allowed.stream().filter(a -> !a.isEmpty())
                    .toList()) + " (got '" + value + "')");
        }
    }

    private void url(String keyPath, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                error(keyPath, "must be an absolute http(s) URL (got '" + value + "')");
            }
        } catch (java.net.URISyntaxException e) {
            error(keyPath, "invalid URL '" + value + "': " + e.getReason());
        }
    }
}
