package io.modelswap.upstreammetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Upstreams' Prometheus text (format 0.0.4) merged into one valid exposition, pure: every family renamed into
 * modelswap's {@code upstream_} namespace ({@code llamacpp:prompt_tokens_total} becomes
 * {@code upstream_llamacpp_prompt_tokens_total}: colons are reserved for recording rules and {@code promtool}
 * rejects them, and the prefix keeps upstream names apart from modelswap's own, {@code process_*} among them), a
 * {@code model="<id>"} label put first on every sample (an upstream's own {@code model} label kept as
 * {@code exported_model}, as Prometheus does), and the samples of each family from every model written together under
 * one {@code # HELP} and {@code # TYPE}. Lines that do not parse are dropped and counted; a family whose type differs
 * between two models keeps the first model's.
 */
final class MergedExposition {

    static final String PREFIX = "upstream_";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("_bucket", "_sum", "_count");

    /** One family as written: its name (renamed), help, type and sample lines. */
    private static final class Family {
        final String type;
        String help;
        final List<String> samples = new ArrayList<>();

        Family(String type, String help) {
            this.type = type;
            this.help = help;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private int dropped;

    /** Lines left out so far: unparseable, or of a family whose type another model's output already set. */
    int dropped() {
        return dropped;
    }

    /** Adds one model's exposition. */
    void add(String model, String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            String[] comment = line.startsWith("#") ? line.split("[ \t]+", 4) : null;
            if (comment != null && comment.length >= 3 && comment[0].equals("#")
                    && METRIC_NAME.matcher(comment[2]).matches()) {
                if (comment[1].equals("TYPE") && comment.length == 4 && TYPES.contains(comment[3].strip())) {
                    types.putIfAbsent(comment[2], comment[3].strip());
                } else if (comment[1].equals("HELP")) {
                    helps.putIfAbsent(comment[2], comment.length == 4 ? comment[3] : "");
                }
            }
        }
        for (String line : text.split("\r?\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Sample sample = Sample.parse(line);
            if (sample == null || sample.has("model") && sample.has("exported_model")) {
                dropped++;
                continue;
            }
            String family = familyOf(sample.name(), types);
            String type = types.getOrDefault(family, "untyped");
            String renamed = rename(family);
            Family merged = families.get(renamed);
            if (merged == null) {
                merged = new Family(type, helps.get(family));
                families.put(renamed, merged);
            } else if (!merged.type.equals(type)) {
                dropped++;
                continue;
            }
            if (merged.help == null) {
                merged.help = helps.get(family);
            }
            merged.samples.add(sample.relabelled(rename(sample.name()), model));
        }
    }

    /** The merged families as Prometheus text, leaving out those named in {@code taken} (modelswap's own). */
    String render(Set<String> taken) {
        StringBuilder out = new StringBuilder();
        families.forEach((name, family) -> {
            if (taken.contains(name)) {
                dropped += family.samples.size();
                return;
            }
            String help = family.help == null || family.help.isBlank() ? "Upstream metric (no help given)."
                    : family.help;
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.type).append('\n');
            for (String sample : family.samples) {
                out.append(sample).append('\n');
            }
        });
        return out.toString();
    }

    /** The family a sample belongs to: a histogram's or summary's {@code _bucket}, {@code _sum}, {@code _count}. */
    private static String familyOf(String sampleName, Map<String, String> types) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) {
                    return base;
                }
            }
        }
        return sampleName;
    }

    static String rename(String name) {
        return PREFIX + name.replace(':', '_');
    }

    /** The names of the families declared in a Prometheus text ({@code # TYPE} lines). */
    static Set<String> declaredFamilies(String text) {
        Set<String> names = new java.util.HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3) {
                    names.add(parts[2]);
                }
            }
        }
        return names;
    }

    /** One sample line, its labels as name and still-escaped value. */
    private record Sample(String name, List<String[]> labels, String rest) {

        static Sample parse(String line) {
            int i = 0;
            int n = line.length();
            while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            String name = line.substring(0, i);
            if (!METRIC_NAME.matcher(name).matches()) {
                return null;
            }
            List<String[]> labels = new ArrayList<>();
            if (i < n && line.charAt(i) == '{') {
                i++;
                while (true) {
                    while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                        i++;
                    }
                    if (i < n && line.charAt(i) == '}') {
                        i++;
                        break;
                    }
                    int eq = line.indexOf('=', i);
                    if (eq < 0) {
                        return null;
                    }
                    String label = line.substring(i, eq).strip();
                    i = eq + 1;
                    if (!LABEL_NAME.matcher(label).matches() || i >= n || line.charAt(i) != '"') {
                        return null;
                    }
                    StringBuilder value = new StringBuilder();
                    i++;
                    while (i < n && line.charAt(i) != '"') {
                        char c = line.charAt(i);
                        if (c == '\\') {
                            if (i + 1 >= n || "\\\"n".indexOf(line.charAt(i + 1)) < 0) {
                                return null;
                            }
                            value.append(c).append(line.charAt(i + 1));
                            i += 2;
                        } else {
                            value.append(c);
                            i++;
                        }
                    }
                    if (i >= n) {
                        return null;
                    }
                    i++;
                    if (labels.stream().anyMatch(l -> l[0].equals(label))) {
                        return null;
                    }
                    labels.add(new String[] {label, value.toString()});
                }
            }
            String rest = line.substring(i).strip();
            String[] fields = rest.split("[ \t]+");
            if (rest.isEmpty() || fields.length > 2 || !isNumber(fields[0])
                    || (fields.length == 2 && !fields[1].matches("-?[0-9]+"))) {
                return null;
            }
            return new Sample(name, labels, String.join(" ", fields));
        }

        boolean has(String label) {
            return labels.stream().anyMatch(l -> l[0].equals(label));
        }

        /** This sample under {@code renamed}, {@code model} first, an own {@code model} label as exported_model. */
        String relabelled(String renamed, String model) {
            StringBuilder out = new StringBuilder(renamed).append("{model=\"").append(escape(model)).append('"');
            for (String[] label : labels) {
                String labelName = label[0].equals("model") ? "exported_model" : label[0];
                out.append(',').append(labelName).append("=\"").append(label[1]).append('"');
            }
            return out.append("} ").append(rest).toString();
        }

        private static boolean isNumber(String value) {
            if (value.equals("NaN") || value.equals("+Inf") || value.equals("-Inf")) {
                return true;
            }
            try {
                Double.parseDouble(value);
                return !value.endsWith("d") && !value.endsWith("f") && !value.endsWith("D") && !value.endsWith("F");
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    /** A label value escaped for the text format: backslash, double quote, line feed. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
