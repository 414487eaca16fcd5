package io.modelswap.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks of what is served elsewhere or chosen among: {@code peers} (other llama-swap compatible servers),
 * {@code selectors} (a name that picks one of several targets) and {@code profiles} (named sets of pins).
 */
final class PeerChecks {

    private final ProblemReporter report;
    private final LlamaSwapFile file;
    /** Requested name to model ID, as {@link ModelChecks} registered them. */
    private final Map<String, String> names;
    /** A peer's filters and timeouts are read as a model's are. */
    private final ModelChecks modelChecks;

    PeerChecks(ProblemReporter report, LlamaSwapFile file, Map<String, String> names, ModelChecks modelChecks) {
        this.report = report;
        this.file = file;
        this.names = names;
        this.modelChecks = modelChecks;
    }

    Map<String, PeerConfig> peers(Map<String, ModelConfig> models) {
        Map<String, PeerConfig> peers = new LinkedHashMap<>();
        YNode tree = report.node("peers");
        if (tree == null || !tree.isMap()) {
            return peers;
        }
        Map<String, String> fqns = new LinkedHashMap<>();
        for (String id : new TreeSet<>(tree.entries().keySet())) {
            String path = Keys.join("peers", id);
            LlamaSwapFile.Peer p = file.peers().get(id);
            String proxy = p == null ? "" : p.proxy().orElse("");
            if (proxy.isBlank()) {
                report.error(path + ".proxy", "is required");
            } else {
                report.url(path + ".proxy", proxy);
            }
            List<String> peerModels = p == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(
                    p.models().orElse(List.of())));
            if (peerModels.isEmpty()) {
                report.error(path + ".models", "must list at least one model");
            }
            for (String model : peerModels) {
                String fqn = id + "/" + model;
                if (fqns.containsKey(fqn)) {
                    report.error(path + ".models", "peer model name '" + fqn + "' is also a model of peer " + fqns.get(fqn));
                } else if (names.containsKey(fqn)) {
                    report.error(path + ".models", "peer model name '" + fqn + "' conflicts with a model ID or alias of "
                            + names.get(fqn));
                }
                fqns.put(fqn, id);
            }
            peers.put(id, new PeerConfig(id, proxy, p == null ? "" : p.apiKey().orElse(""), peerModels,
                    modelChecks.filters(path, p == null ? Optional.empty() : p.filters(), false),
                    modelChecks.timeouts(path + ".timeouts", p == null ? Optional.empty() : p.timeouts(), 60)));
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

    Map<String, SelectorConfig> selectors(Map<String, ModelConfig> models, Map<String, PeerConfig> peers) {
        Map<String, SelectorConfig> selectors = new LinkedHashMap<>();
        YNode tree = report.node("selectors");
        if (tree == null || !tree.isMap()) {
            return selectors;
        }
        for (String id : tree.entries().keySet()) {
            String path = Keys.join("selectors", id);
            LlamaSwapFile.Selector s = file.selectors().get(id);
            if (id.isBlank()) {
                report.error(path, "selector names cannot be empty");
            } else if (names.containsKey(id)) {
                report.error(path, "name conflicts with " + (names.get(id).equals(id) ? "model ID" : "an alias of model "
                        + names.get(id)));
            } else if (isPeerModel(id, peers)) {
                report.error(path, "name conflicts with a peer model name");
            }
            String strategy = s == null ? "" : s.strategy().orElse("");
            if (strategy.isEmpty()) {
                report.error(path + ".strategy", "is required");
            } else if (!List.of("warm", "pin", "spillover").contains(strategy)) {
                report.error(path + ".strategy", "unknown strategy '" + strategy + "' (valid: warm, pin, spillover)");
            }
            List<String> targets = s == null ? List.of() : s.targets().orElse(List.of());
            if (targets.isEmpty()) {
                report.error(path + ".targets", "must contain at least one entry");
            }
            Set<String> resolved = new HashSet<>();
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                String at = path + ".targets[" + i + "]";
                boolean local = names.containsKey(target);
                if (tree.entries().containsKey(target)) {
                    report.error(at, "references selector '" + target + "'; selector chaining is not supported");
                } else if (!local && !isPeerModel(target, peers)) {
                    report.error(at, "unknown model '" + target + "'");
                } else if (strategy.equals("warm") && !local) {
                    report.error(at, "must be a local model for strategy 'warm'");
                } else if (strategy.equals("spillover") && !resolved.add(local ? names.get(target) : target)) {
                    report.error(at, "duplicate resolved model '" + (local ? names.get(target) : target) + "'");
                }
            }
            int spillover = s == null ? 1 : s.settings().map(LlamaSwapFile.SelectorSettings::spillover).orElse(1);
            if (strategy.equals("spillover")) {
                report.atLeast(path + ".settings.spillover", spillover, 1);
            }
            selectors.put(id, new SelectorConfig(id, strategy, targets, spillover,
                    s == null ? "" : s.name().orElse(""), s == null ? "" : s.description().orElse(""),
                    s != null && s.unlisted(), report.freeForm(path + ".metadata")));
        }
        return selectors;
    }

    Map<String, ProfileConfig> profiles(Map<String, PeerConfig> peers, Map<String, SelectorConfig> selectors) {
        Map<String, ProfileConfig> profiles = new LinkedHashMap<>();
        YNode tree = report.node("profiles");
        if (tree == null || !tree.isMap()) {
            return profiles;
        }
        tree.entries().forEach((name, node) -> {
            String path = Keys.join("profiles", name);
            if (!node.isMap()) {
                report.error(node, path, "a profile must be a mapping with description and pins; the legacy list"
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
                        report.error(at, "pin names cannot be empty");
                    } else if (isPeerModel(pin, peers)) {
                        report.error(at, "pin '" + pin + "' conflicts with a peer model name");
                    } else if (!value.isEmpty() && !names.containsKey(value) && !isPeerModel(value, peers)
                            && !selectors.containsKey(value)) {
                        report.error(at, "unknown model '" + value + "'");
                    }
                    pins.put(pin, value);
                });
            }
            if (pins.isEmpty()) {
                report.error(path + ".pins", "must contain at least one entry");
            }
            profiles.put(name, new ProfileConfig(name, p == null ? "" : p.description().orElse(""), pins));
        });
        return profiles;
    }
}
