package io.modelswap.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama-swap's macro expansion, on the merged tree, before mapping.
 *
 * <ul>
 *   <li>{@code macros:} (global) and {@code models.<id>.macros:} are ordered lists of scalars. Substitution runs from
 *       the last macro to the first, so a macro's value may use only macros defined <em>before</em> it.</li>
 *   <li>Global macros apply to everything outside {@code models}; inside a model the scope is {@code MODEL_ID}, then
 *       the globals, with the model's own macros replacing same-named globals in place.</li>
 *   <li>A string that is exactly {@code ${m}} takes m's type (int, float, bool); inside a longer string m's value is
 *       printed as text.</li>
 *   <li>{@code ${PORT}} is handed out by {@link PortAllocator} (from {@code startPort} in sorted model-ID order at
 *       startup, stable across reloads, skipping ports someone else already listens on), only to models whose {@code cmd} uses it; the default {@code proxy} is
 *       {@code http://localhost:${PORT}}.</li>
 *   <li>{@code ${MODELSWAP_BIN}} is built in: a command line that runs this modelswap ({@link ModelswapBin}).</li>
 *   <li>{@code ${PID}} survives in {@code cmdStop} (it is known only at stop time); anything else left over is an
 *       error.</li>
 * </ul>
 */
final class Macros {

    static final String DEFAULT_PROXY = "http://localhost:${PORT}";
    static final int DEFAULT_START_PORT = 5800;

    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");
    private static final Pattern USE = Pattern.compile("\\$\\{([a-zA-Z0-9_-]+)\\}");

    /** One declared macro; {@code value} is a scalar node. */
    record Macro(String name, YNode value) {
    }

    private final Problems problems;
    private final Map<String, Integer> previousPorts;
    private final String modelswapBin;
    private final IntPredicate portTaken;
    private Map<String, Integer> ports = Map.of();

    private Macros(Problems problems, Map<String, Integer> previousPorts, String modelswapBin,
            IntPredicate portTaken) {
        this.problems = problems;
        this.previousPorts = previousPorts;
        this.modelswapBin = modelswapBin;
        this.portTaken = portTaken;
    }

    /**
     * Expands every macro of {@code root} in place; {@code macros} keys are removed (they are definitions).
     *
     * @param previousPorts the {@code ${PORT}} of each model of the configuration in force (see {@link PortAllocator})
     * @param modelswapBin  the value of {@code ${MODELSWAP_BIN}} (see {@link ModelswapBin})
     * @param portTaken     whether someone else listens on a port: a newly handed-out {@code ${PORT}} skips it
     * @return the {@code ${PORT}} handed to each model whose {@code cmd} uses it
     */
    static Map<String, Integer> expand(YNode root, Problems problems, Map<String, Integer> previousPorts,
            String modelswapBin, IntPredicate portTaken) {
        Macros macros = new Macros(problems, previousPorts, modelswapBin, portTaken);
        macros.run(root);
        return macros.ports;
    }

    private void run(YNode root) {
        List<Macro> globals = new ArrayList<>();
        // Built in, and first, so that every macro may use it.
        globals.add(new Macro(ModelswapBin.NAME, YNode.string(root.file(), root.line(), modelswapBin)));
        globals.addAll(declarations(root.entries().remove("macros"), "macros"));
        YNode models = root.get("models");
        Map<String, List<Macro>> modelMacros = new LinkedHashMap<>();
        TreeMap<String, YNode> sorted = new TreeMap<>();
        if (models != null && models.isMap()) {
            models.entries().forEach((id, model) -> {
                if (!model.isMap()) {
                    return;
                }
                String path = Keys.join("models", id);
                modelMacros.put(id, declarations(model.entries().remove("macros"), path + ".macros"));
                stripCommentLines(model.get("cmd"));
                stripCommentLines(model.get("cmdStop"));
                YNode proxy = model.get("proxy");
                if (proxy == null || proxy.isNull()) {
                    // Added before expansion so its ${PORT} is handled like one the user wrote.
                    model.entries().put("proxy", YNode.string(model.file(), model.line(), DEFAULT_PROXY));
                }
                sorted.put(id, model);
            });
        }

        for (Map.Entry<String, YNode> entry : root.entries().entrySet()) {
            if (!entry.getKey().equals("models")) {
                substituteAll(entry.getValue(), globals);
            }
        }

        Map<String, List<String>> scopeNames = new LinkedHashMap<>();
        List<String> usingPort = new ArrayList<>();
        for (Map.Entry<String, YNode> entry : sorted.entrySet()) {
            String id = entry.getKey();
            YNode model = entry.getValue();
            String path = Keys.join("models", id);
            List<Macro> scope = scope(id, model, globals, modelMacros.get(id));
            scopeNames.put(id, names(scope));
            substituteAll(model, scope);
            substituteSetParamsByIdKeys(model, scope, path);

            boolean cmdHasPort = uses(model.get("cmd"), "PORT");
            YNode proxy = model.get("proxy");
            if (!cmdHasPort && uses(proxy, "PORT")) {
                problems.error(proxy, path + ".proxy", "uses ${PORT} but cmd does not; ${PORT} is only allocated"
                        + " to a model whose cmd uses it, so set proxy to the model's fixed address");
                // Reported once: neutralize it so the leftover and URL checks do not repeat the same problem.
                proxy.setScalar(YNode.Type.STR, proxy.value().replace("${PORT}", "0"));
            } else if (cmdHasPort) {
                usingPort.add(id);
            }
        }

        ports = PortAllocator.allocate(usingPort, previousPorts, startPort(root), portTaken);
        for (String id : usingPort) {
            YNode model = sorted.get(id);
            Integer port = ports.get(id);
            if (port == null) {
                problems.error(model, Keys.join("models", id), "no port left for ${PORT} up to "
                        + PortAllocator.MAX_PORT + "; lower startPort");
                continue;
            }
            List<Macro> portMacro = List.of(new Macro("PORT",
                    YNode.scalar(model.file(), model.line(), YNode.Type.INT, Integer.toString(port))));
            substituteAll(model, portMacro);
            substituteSetParamsByIdKeys(model, portMacro, Keys.join("models", id));
        }

        for (Map.Entry<String, YNode> entry : root.entries().entrySet()) {
            String key = entry.getKey();
            if (!KnownKeys.isKnownTopLevel(key)) {
                continue; // llama-swap ignores unknown keys entirely; they get an "unknown key" warning instead
            }
            if (key.equals("models") && entry.getValue().isMap()) {
                entry.getValue().entries().forEach((id, model) -> checkModelLeftovers(id, model,
                        scopeNames.getOrDefault(id, List.of())));
            } else {
                checkLeftovers(entry.getValue(), Keys.quote(key), false, false, names(globals));
            }
        }
    }

    private List<Macro> declarations(YNode node, String path) {
        List<Macro> macros = new ArrayList<>();
        if (node == null || node.isNull()) {
            return macros;
        }
        if (!node.isMap()) {
            problems.error(node, path, "must be a mapping of macro names to values");
            return macros;
        }
        node.entries().forEach((name, value) -> {
            String at = Keys.join(path, name);
            if (name.length() > 63) {
                problems.error(value, at, "macro name exceeds the maximum length of 63 characters");
            } else if (!NAME.matcher(name).matches()) {
                problems.error(value, at, "macro name must match ^[a-zA-Z0-9_-]+$");
            } else if (name.equals("PID") || name.equals("PORT") || name.equals("MODEL_ID")
                    || name.equals(ModelswapBin.NAME)) {
                problems.error(value, at, "macro name '" + name + "' is reserved");
            } else if (!value.isScalar() || value.isNull()) {
                problems.error(value, at, "a macro value must be a string, number or boolean");
            } else if (value.isString() && value.value().contains("${" + name + "}")) {
                problems.error(value, at, "macro '" + name + "' refers to itself");
            } else {
                macros.add(new Macro(name, value));
            }
        });
        return macros;
    }

    private static List<Macro> scope(String id, YNode model, List<Macro> globals, List<Macro> own) {
        List<Macro> scope = new ArrayList<>();
        scope.add(new Macro("MODEL_ID", YNode.string(model.file(), model.line(), id)));
        scope.addAll(globals);
        for (Macro macro : own) {
            int existing = -1;
            for (int i = 0; i < scope.size(); i++) {
                if (scope.get(i).name().equals(macro.name())) {
                    existing = i;
                }
            }
            if (existing >= 0) {
                scope.set(existing, macro);
            } else {
                scope.add(macro);
            }
        }
        return scope;
    }

    private int startPort(YNode root) {
        YNode node = root.get("startPort");
        if (node == null || node.isNull() || node.type() != YNode.Type.INT) {
            return DEFAULT_START_PORT; // a non-integer is reported by the mapping
        }
        Object value = node.toJava();
        if (!(value instanceof Integer) || (Integer) value < 1) {
            problems.error(node, "startPort", "must be >= 1 (got " + node.value() + ")");
            return DEFAULT_START_PORT;
        }
        return (Integer) value;
    }

    /** Applies {@code macros} last to first, which is what restricts a macro to earlier ones. */
    private static void substituteAll(YNode node, List<Macro> macros) {
        for (int i = macros.size() - 1; i >= 0; i--) {
            substitute(node, macros.get(i));
        }
    }

    private static void substitute(YNode node, Macro macro) {
        if (node.isMap()) {
            node.entries().values().forEach(child -> substitute(child, macro));
        } else if (node.isSeq()) {
            node.items().forEach(child -> substitute(child, macro));
        } else if (node.isString()) {
            String slug = "${" + macro.name() + "}";
            if (node.value().equals(slug)) {
                node.setScalar(macro.value().type(), macro.value().value());
            } else if (node.value().contains(slug)) {
                node.setScalar(YNode.Type.STR, node.value().replace(slug, text(macro.value())));
            }
        }
    }

    private static String text(YNode scalar) {
        return Scalars.canonical(scalar.type(), scalar.value());
    }

    /** setParamsByID keys are model names, so macros apply to them too ({@code ${MODEL_ID}:high}). */
    private void substituteSetParamsByIdKeys(YNode model, List<Macro> macros, String path) {
        YNode byId = model.path("filters", "setParamsByID");
        if (byId == null || !byId.isMap()) {
            return;
        }
        Map<String, YNode> resolved = new LinkedHashMap<>();
        byId.entries().forEach((key, value) -> {
            String newKey = key;
            for (int i = macros.size() - 1; i >= 0; i--) {
                Macro macro = macros.get(i);
                newKey = newKey.replace("${" + macro.name() + "}", text(macro.value()));
            }
            if (resolved.containsKey(newKey)) {
                problems.error(value, Keys.join(path + ".filters.setParamsByID", key),
                        "resolves to '" + newKey + "', which another key of setParamsByID also resolves to");
            } else {
                resolved.put(newKey, value);
            }
        });
        byId.entries().clear();
        byId.entries().putAll(resolved);
    }

    private static List<String> names(List<Macro> macros) {
        return macros.stream().map(Macro::name).toList();
    }

    /** @param defined the macros of the model's scope (a leftover one of them was used before its definition) */
    private void checkModelLeftovers(String id, YNode model, List<String> defined) {
        String path = Keys.join("models", id);
        if (!model.isMap()) {
            return;
        }
        model.entries().forEach((field, value) -> checkLeftovers(value, Keys.join(path, field),
                field.equals("cmdStop") || field.equals("sleep"), true, defined));
        YNode byId = model.path("filters", "setParamsByID");
        if (byId != null && byId.isMap()) {
            byId.entries().forEach((key, value) -> {
                Matcher m = USE.matcher(key);
                if (m.find()) {
                    problems.error(value, Keys.join(path + ".filters.setParamsByID", key),
                            "unknown macro '${" + m.group(1) + "}' in key");
                }
            });
        }
    }

    private void checkLeftovers(YNode node, String path, boolean allowPid, boolean inModel, List<String> defined) {
        if (node.isMap()) {
            node.entries().forEach((key, child) -> checkLeftovers(child, Keys.join(path, key), allowPid, inModel,
                    defined));
        } else if (node.isSeq()) {
            List<YNode> items = node.items();
            for (int i = 0; i < items.size(); i++) {
                checkLeftovers(items.get(i), path + "[" + i + "]", allowPid, inModel, defined);
            }
        } else if (node.isString()) {
            Matcher m = USE.matcher(node.value());
            while (m.find()) {
                String name = m.group(1);
                if (name.equals("PID") && allowPid) {
                    continue;
                }
                problems.error(node, path, leftoverMessage(name, inModel, defined));
            }
        }
    }

    private static String leftoverMessage(String name, boolean inModel, List<String> defined) {
        switch (name) {
            case "PID":
                return "${PID} is only available in cmdStop and in sleep.cmdSleep / sleep.cmdWake";
            case "PORT":
                return inModel ? "${PORT} is only available in a model whose cmd uses ${PORT}"
                        : "${PORT} is only available inside a model";
            case "MODEL_ID":
                return "${MODEL_ID} is only available inside a model";
            default:
                // Still there after expansion although defined: a macro value used it before its definition.
                return defined.contains(name)
                        ? "macro '${" + name + "}' is used by a macro defined before it; a macro can only use macros"
                                + " defined above it, so move '" + name + "' up"
                        : "macro '${" + name + "}' is not defined" + (inModel ? " (neither in macros nor in this"
                                + " model's macros)" : " in macros");
        }
    }

    private static boolean uses(YNode node, String name) {
        return node != null && node.isString() && node.value().contains("${" + name + "}");
    }

    /** Drops whole-line {@code #} comments of a command, so a macro in a comment is not an error. */
    private static void stripCommentLines(YNode node) {
        if (node == null || !node.isString()) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : node.value().split("\n", -1)) {
            if (!line.strip().startsWith("#")) {
                kept.add(line);
            }
        }
        node.setScalar(YNode.Type.STR, String.join("\n", kept));
    }
}
