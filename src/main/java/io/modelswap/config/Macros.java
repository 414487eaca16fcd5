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
 *   <li>{@code ${PORT}} is handed out from {@code startPort} upwards in sorted model-ID order, only to models whose
 *       {@code cmd} uses it, skipping ports someone else already listens on; the default {@code proxy} is
 *       {@code http://localhost:${PORT}}.</li>
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

    /** The highest TCP port. */
    private static final int MAX_PORT = 65535;

    private final Problems problems;
    private final IntPredicate portTaken;

    private Macros(Problems problems, IntPredicate portTaken) {
        this.problems = problems;
        this.portTaken = portTaken;
    }

    /** Expands every macro of {@code root} in place; {@code macros} keys are removed (they are definitions). */
    static void expand(YNode root, Problems problems) {
        expand(root, problems, port -> false);
    }

    /** Like {@link #expand(YNode, Problems)}; {@code ${PORT}} skips every port {@code portTaken} says is held. */
    static void expand(YNode root, Problems problems, IntPredicate portTaken) {
        new Macros(problems, portTaken).run(root);
    }

    /**
     * The port {@code ${PORT}} gets: the first from {@code from} up that nobody else listens on, so that a model's
     * health check can never be answered by a server that was there before it; -1 when none is left.
     */
    private int allocatePort(int from) {
        for (int port = from; port <= MAX_PORT; port++) {
            if (!portTaken.test(port)) {
                return port;
            }
        }
        return -1;
    }

    private void run(YNode root) {
        List<Macro> globals = declarations(root.entries().remove("macros"), "macros");
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

        int port = startPort(root);
        for (Map.Entry<String, YNode> entry : sorted.entrySet()) {
            String id = entry.getKey();
            YNode model = entry.getValue();
            String path = Keys.join("models", id);
            List<Macro> scope = scope(id, model, globals, modelMacros.get(id));
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
                port = allocatePort(port);
                if (port < 0) {
                    problems.error(model.get("cmd"), path + ".cmd", "no port is free for ${PORT} between startPort"
                            + " and " + MAX_PORT);
                    port = MAX_PORT;
                }
                List<Macro> portMacro = List.of(new Macro("PORT",
                        YNode.scalar(model.file(), model.line(), YNode.Type.INT, Integer.toString(port))));
                substituteAll(model, portMacro);
                substituteSetParamsByIdKeys(model, portMacro, path);
                port++;
            }
        }

        for (Map.Entry<String, YNode> entry : root.entries().entrySet()) {
            String key = entry.getKey();
            if (!KnownKeys.isKnownTopLevel(key)) {
                continue; // llama-swap ignores unknown keys entirely; they get an "unknown key" warning instead
            }
            if (key.equals("models") && entry.getValue().isMap()) {
                entry.getValue().entries().forEach((id, model) -> checkModelLeftovers(id, model));
            } else {
                checkLeftovers(entry.getValue(), Keys.quote(key), false, false);
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
            } else if (name.equals("PID") || name.equals("PORT") || name.equals("MODEL_ID")) {
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

    private void checkModelLeftovers(String id, YNode model) {
        String path = Keys.join("models", id);
        if (!model.isMap()) {
            return;
        }
        model.entries().forEach((field, value) -> checkLeftovers(value, Keys.join(path, field),
                field.equals("cmdStop"), true));
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

    private void checkLeftovers(YNode node, String path, boolean allowPid, boolean inModel) {
        if (node.isMap()) {
            node.entries().forEach((key, child) -> checkLeftovers(child, Keys.join(path, key), allowPid, inModel));
        } else if (node.isSeq()) {
            List<YNode> items = node.items();
            for (int i = 0; i < items.size(); i++) {
                checkLeftovers(items.get(i), path + "[" + i + "]", allowPid, inModel);
            }
        } else if (node.isString()) {
            Matcher m = USE.matcher(node.value());
            while (m.find()) {
                String name = m.group(1);
                if (name.equals("PID") && allowPid) {
                    continue;
                }
                problems.error(node, path, leftoverMessage(name, inModel));
            }
        }
    }

    private static String leftoverMessage(String name, boolean inModel) {
        switch (name) {
            case "PID":
                return "${PID} is only available in cmdStop";
            case "PORT":
                return inModel ? "${PORT} is only available in a model whose cmd uses ${PORT}"
                        : "${PORT} is only available inside a model";
            case "MODEL_ID":
                return "${MODEL_ID} is only available inside a model";
            default:
                return "unknown macro '${" + name + "}' (a macro can only use macros defined before it)";
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
