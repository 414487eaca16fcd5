package io.modelswap.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks of {@code models}: each model's command, timeouts, filters, capabilities and the names it answers to.
 * Registers every requested name (model ID, alias, setParamsByID key) in {@link #names}, which the later checks of
 * the load (groups, priorities, peers, selectors, profiles, preload) resolve names against.
 */
final class ModelChecks {

    static final String COMFYUI_MODEL_ID = "comfyui_auto";
    static final int DEFAULT_CONCURRENCY = 10;
    private static final Set<String> MODALITIES = Set.of("text", "audio", "image");

    private final ProblemReporter report;
    private final FastSwapKeys fastSwap;
    private final LlamaSwapFile file;
    /** Requested name (model ID, alias, setParamsByID key) to model ID; names are unique across all three. */
    private final Map<String, String> names;

    ModelChecks(ProblemReporter report, LlamaSwapFile file, Map<String, String> names) {
        this.report = report;
        this.fastSwap = new FastSwapKeys(report);
        this.file = file;
        this.names = names;
    }

    Map<String, ModelConfig> models(int healthCheckTimeout, int unloadTimeout) {
        Map<String, ModelConfig> models = new TreeMap<>();
        YNode tree = report.root().get("models");
        if (tree == null) {
            // An empty or truncated file must not start (or replace a working configuration) with nothing in it.
            report.error("models", "is required: this configuration defines no models; write 'models: {}' to run"
                    + " without any");
            return models;
        }
        if (tree.isNull()) {
            report.error("models", "lists no model (every entry is removed or commented out); write 'models: {}' to run"
                    + " without any");
            return models;
        }
        if (!tree.isMap()) {
            report.error("models", "must be a mapping of model IDs to models");
            return models;
        }
        for (String id : new TreeSet<>(tree.entries().keySet())) {
            names.put(id, id);
        }
        for (String id : new TreeSet<>(tree.entries().keySet())) {
            String path = Keys.join("models", id);
            LlamaSwapFile.Model m = file.models().get(id);
            if (!tree.get(id).isMap() || m == null) {
                report.error(path + ".cmd", "is required");
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
            report.error(path + ".cmd", "is required");
        }
        int ttl = m.ttl();
        if (ttl == -1) {
            ttl = Math.max(0, file.globalTTL());
        } else if (ttl < 0) {
            report.error(path + ".ttl", "must be -1 (use globalTTL) or >= 0 (got " + ttl + ")");
        }
        report.atLeast(path + ".unloadTimeout", m.unloadTimeout(), 0);
        int unload = m.unloadTimeout() <= 0 ? globalUnload : m.unloadTimeout();
        report.atLeast(path + ".concurrencyLimit", m.concurrencyLimit(), 0);
        int concurrency = m.concurrencyLimit() > 0 ? m.concurrencyLimit() : DEFAULT_CONCURRENCY;
        boolean ignoreWebsockets = m.compat().map(LlamaSwapFile.Compat::ignoreWebsockets).orElse(false);
        if (id.equals(COMFYUI_MODEL_ID)) {
            // ComfyUI opens many parallel requests and a websocket; llama-swap forces these for it.
            concurrency = Math.max(concurrency, 50);
            ignoreWebsockets = true;
        }
        String proxy = m.proxy().orElse("");
        report.url(path + ".proxy", proxy);

        List<String> env = m.env().orElse(List.of());
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).indexOf('=') <= 0) {
                report.error(path + ".env[" + i + "]", "must be NAME=value (got '" + env.get(i) + "')");
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
                m.sendLoadingState().orElse(file.sendLoadingState()), filters, report.freeForm(path + ".metadata"),
                timeouts(path + ".timeouts", m.timeouts(), 0), ignoreWebsockets, capabilities(path, m.capabilities()))
                .withFastSwap(fastSwap.sleep(report.at(path), path), fastSwap.slots(report.at(path), path, cmd))
                .withMetricsEndpoint(metricsEndpoint(path, m));
    }

    /** {@code metricsEndpoint}: a path on the upstream ({@code /metrics}), or nothing. */
    private String metricsEndpoint(String path, LlamaSwapFile.Model m) {
        String endpoint = m.metricsEndpoint().orElse("").strip();
        if (!endpoint.isEmpty() && (!endpoint.startsWith("/") || endpoint.startsWith("//")
                || endpoint.chars().anyMatch(c -> c <= ' ' || c == '#'))) {
            report.error(path + ".metricsEndpoint", "must be a path on the upstream such as /metrics (got '"
                    + endpoint + "')");
            return "";
        }
        return endpoint;
    }

    /** Registers a requested name of {@code id}; names are unique across models, aliases and setParamsByID keys. */
    private void addName(String name, String id, String path, String what, List<String> aliases) {
        String owner = names.get(name);
        if (owner == null) {
            names.put(name, id);
            aliases.add(name);
        } else if (owner.equals(name) && !owner.equals(id)) {
            report.error(path, what + " '" + name + "' is the ID of another model");
        } else if (!owner.equals(id)) {
            report.error(path, what + " '" + name + "' is already used by model " + owner);
        } else if (!aliases.contains(name) && !name.equals(id)) {
            aliases.add(name);
        }
    }

    ModelFilters filters(String path, Optional<LlamaSwapFile.Filters> mapped, boolean model) {
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
        Map<String, Object> setParams = withoutModel(report.freeForm(path + ".filters.setParams"));
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        YNode byIdTree = report.at(path + ".filters.setParamsByID");
        if (model && byIdTree != null && byIdTree.isMap()) {
            byIdTree.entries().forEach((key, value) -> {
                if (value.isMap()) {
                    byId.put(key, withoutModel(ProblemReporter.nonNull(value)));
                } else if (!value.isNull()) {
                    report.error(value, Keys.join(path + ".filters.setParamsByID", key),
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

    UpstreamTimeouts timeouts(String path, Optional<LlamaSwapFile.Timeouts> mapped, int responseHeader) {
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
        value.ifPresent(v -> report.atLeast(path, v, 0));
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
        report.atLeast(path + ".capabilities.context", caps.context(), 0);
        return new Capabilities(in, out, caps.tools(), caps.reranker(), Math.max(0, caps.context()));
    }

    private void modalities(String path, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (!MODALITIES.contains(values.get(i))) {
                report.error(path + "[" + i + "]", "invalid modality '" + values.get(i) + "', must be one of: text, audio, image");
            }
        }
    }
}
