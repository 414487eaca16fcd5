package io.modelswap.config;

import io.modelswap.matrix.MatrixException;
import io.modelswap.matrix.MatrixProblem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of routing: which router ({@code groups} or {@code matrix}, legacy top-level or under
 * {@code routing.router}), its groups or its matrix (compiled here, once per load), and the scheduler's priorities.
 */
final class RoutingChecks {

    private static final Pattern MATRIX_VAR = Pattern.compile("^[A-Za-z0-9.-]{1,32}$");

    private final ProblemReporter report;
    private final LlamaSwapFile file;
    /** Requested name to model ID, as {@link ModelChecks} registered them. */
    private final Map<String, String> names;

    RoutingChecks(ProblemReporter report, LlamaSwapFile file, Map<String, String> names) {
        this.report = report;
        this.file = file;
        this.names = names;
    }

    RoutingConfig routing(Map<String, ModelConfig> models) {
        YNode legacyGroups = report.node("groups");
        YNode legacyMatrix = report.node("matrix");
        YNode router = report.node("routing.router");
        Optional<LlamaSwapFile.Router> mappedRouter = file.routing().flatMap(LlamaSwapFile.Routing::router);
        boolean hasRouter = mappedRouter.flatMap(LlamaSwapFile.Router::use).isPresent()
                || report.node("routing.router.settings.matrix") != null
                || (report.node("routing.router.settings.groups") != null
                        && !report.node("routing.router.settings.groups").entries().isEmpty());

        String use = RoutingConfig.GROUP;
        Map<String, LlamaSwapFile.Group> groupValues = Map.of();
        String groupsPath = null;
        Optional<LlamaSwapFile.Matrix> matrix = Optional.empty();
        String matrixPath = null;
        if ((legacyGroups != null || legacyMatrix != null) && hasRouter) {
            YNode at = legacyGroups != null ? legacyGroups : legacyMatrix;
            report.error(at, legacyGroups != null ? "groups" : "matrix", "the legacy top-level 'groups'/'matrix'"
                    + " cannot be mixed with 'routing.router' (defined at line " + router.line()
                    + "); move them into routing.router.settings");
        } else if (legacyGroups != null || legacyMatrix != null) {
            if (legacyGroups != null && legacyMatrix != null && !legacyGroups.entries().isEmpty()) {
                report.error("matrix", "cannot use both 'groups' and 'matrix'");
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
                if (report.node(matrixPath) == null) {
                    report.error("routing.router.use", "is 'matrix' but routing.router.settings.matrix is not set");
                    matrixPath = null;
                }
            } else if (requested.equals(RoutingConfig.GROUP)) {
                groupValues = settings.map(LlamaSwapFile.RouterSettings::groups).orElse(Map.of());
                groupsPath = "routing.router.settings.groups";
            } else {
                report.error("routing.router.use", "unknown router '" + requested + "' (valid: group, matrix)");
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
        YNode tree = path == null ? null : report.node(path);
        if (tree != null && !tree.isMap()) {
            report.error(path, "must be a mapping of group IDs to groups");
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
                        report.error(at, "duplicate member '" + member + "'");
                    } else if (!names.containsKey(member) || !names.get(member).equals(member)) {
                        report.error(at, "unknown model '" + member + "'");
                    } else if (groupOf.containsKey(member)) {
                        report.error(at, "model '" + member + "' is already a member of group " + groupOf.get(member));
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
        YNode tree = report.node(path);
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, Integer> costs = new LinkedHashMap<>();
        Map<String, String> sets = new LinkedHashMap<>();
        if (tree == null || !tree.isMap()) {
            report.error(path, "must be a mapping with vars, evict_costs and sets");
            return Optional.empty();
        }
        LlamaSwapFile.Matrix m = mapped.orElse(null);
        YNode varTree = tree.get("vars");
        if (varTree != null && varTree.isMap() && m != null) {
            for (String key : varTree.entries().keySet()) {
                String at = Keys.join(path + ".vars", key);
                String model = m.vars().get(key);
                if (!MATRIX_VAR.matcher(key).matches()) {
                    report.error(at, "var names must be 1-32 characters of letters, digits, '-' or '.'");
                } else if (model == null || !models.containsKey(model)) {
                    report.error(at, "unknown model '" + (model == null ? "" : model) + "'");
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
                    report.error(at, "must be a positive integer (got " + cost + ")");
                } else if (!vars.containsKey(key) && !models.containsKey(key)) {
                    report.error(at, "unknown var or model '" + key + "'");
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
                    report.error(entry.getValue(), Keys.join(path + ".sets", entry.getKey()),
                            "must be a non-empty set expression");
                } else {
                    sets.put(entry.getKey(), dsl);
                }
            }
        }
        if (setTree == null || !setTree.isMap() || setTree.entries().isEmpty()) {
            report.error(path + ".sets", "the matrix must define at least one set");
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
                    report.error(Keys.join(path + ".sets", problem.key().substring("sets.".length())), problem.message());
                }
            }
            return Optional.empty();
        }
    }

    private Map<String, Integer> priorities() {
        Optional<LlamaSwapFile.Scheduler> scheduler = file.routing().flatMap(LlamaSwapFile.Routing::scheduler);
        String use = scheduler.flatMap(LlamaSwapFile.Scheduler::use).orElse("fifo");
        if (!use.equals("fifo")) {
            report.error("routing.scheduler.use", "unknown scheduler '" + use + "' (valid: fifo)");
        }
        Map<String, Integer> mapped = scheduler.flatMap(LlamaSwapFile.Scheduler::settings)
                .flatMap(LlamaSwapFile.SchedulerSettings::fifo).map(LlamaSwapFile.Fifo::priority).orElse(Map.of());
        Map<String, Integer> priorities = new LinkedHashMap<>();
        YNode tree = report.node("routing.scheduler.settings.fifo.priority");
        if (tree != null && tree.isMap()) {
            for (String name : tree.entries().keySet()) {
                Integer priority = mapped.get(name);
                if (!names.containsKey(name)) {
                    report.error(Keys.join("routing.scheduler.settings.fifo.priority", name), "unknown model '" + name + "'");
                } else if (priority != null) {
                    priorities.put(names.get(name), priority);
                }
            }
        }
        return priorities;
    }
}
