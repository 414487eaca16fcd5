package io.modelswap.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * {@code ${env.NAME}} substitution on the raw text, before YAML parsing, as llama-swap does it: so that
 * {@code apiKeys: [${env.KEY}]} parses as a flow sequence. Occurrences inside comments are ignored; an unset
 * variable is an error with its line; a value with a newline or NUL is rejected (it would change the YAML's
 * structure); {@code \} and {@code "} are escaped so the value also survives inside a double-quoted string.
 */
final class EnvSubstitution {

    static final Pattern ENV_MACRO = Pattern.compile("\\$\\{env\\.([a-zA-Z_][a-zA-Z0-9_]*)\\}");

    private EnvSubstitution() {
    }

    static String apply(String file, String text, Function<String, String> env, Problems problems) {
        List<int[]> scalarRanges = scalarRanges(text);
        Matcher m = ENV_MACRO.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            if (scalarRanges != null && !inside(scalarRanges, m.start())) {
                continue; // in a comment: not part of the configuration
            }
            int line = lineOf(text, m.start());
            String name = m.group(1);
            String value = env.apply(name);
            if (value == null) {
                problems.error(file, line, "", "environment variable '" + name + "' is not set");
                continue;
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                problems.error(file, line, "", "environment variable '" + name
                        + "' contains newlines or NUL bytes, which are not allowed in substitution");
                continue;
            }
            out.append(text, last, m.start()).append(value.replace("\\", "\\\\").replace("\"", "\\\""));
            last = m.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    static String apply(String file, String text, Problems problems) {
        Map<String, String> env = System.getenv();
        return apply(file, text, env::get, problems);
    }

    /**
     * Character ranges of every scalar (keys and values) of the raw text, or null when the raw text does not parse
     * (e.g. {@code [${env.X}]} before substitution): then every occurrence counts, so the user hears about the
     * variable rather than about a confusing YAML error.
     */
    private static List<int[]> scalarRanges(String text) {
        List<int[]> ranges = new ArrayList<>();
        try {
            for (Event event : new Yaml(new LoaderOptions()).parse(new StringReader(text))) {
                if (event instanceof ScalarEvent) {
                    // SnakeYAML counts code points; Java strings count UTF-16 units.
                    int start = text.offsetByCodePoints(0, event.getStartMark().getIndex());
                    int end = text.offsetByCodePoints(0, event.getEndMark().getIndex());
                    ranges.add(new int[] {start, end});
                }
            }
        } catch (YAMLException | IndexOutOfBoundsException e) {
            return null;
        }
        return ranges;
    }

    private static boolean inside(List<int[]> ranges, int index) {
        for (int[] range : ranges) {
            if (index >= range[0] && index < range[1]) {
                return true;
            }
        }
        return false;
    }

    static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
