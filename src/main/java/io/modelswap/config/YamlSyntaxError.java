package io.modelswap.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML syntax error placed where a person looks for it. SnakeYAML marks where it gave up, which for something left
 * open (a {@code [} list, a {@code {} mapping, a quoted string) is the next key or the end of the file, lines after
 * the mistake ({@code ttl: [300} on line 37 was reported at line 39). For those the line is where the construct
 * opened; for everything else it is where the parser stopped, which is the offending line (a bad indentation).
 *
 * @param line    1-based line to report
 * @param message what is wrong, starting with {@code invalid YAML:}
 */
record YamlSyntaxError(int line, String message) {

    static YamlSyntaxError of(MarkedYAMLException e) {
        String context = e.getContext() == null ? "" : e.getContext();
        String problem = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getMessage());
        int problemLine = line(e.getProblemMark());
        int contextLine = line(e.getContextMark());
        String opened = opened(context);
        if (opened != null && contextLine > 0) {
            return new YamlSyntaxError(contextLine, "invalid YAML: " + opened + " that starts on this line is not"
                    + " closed (" + problem + (problemLine > 0 ? " at line " + problemLine : "") + ")");
        }
        StringBuilder text = new StringBuilder("invalid YAML: ").append(problem);
        if (!context.isEmpty()) {
            text.append(" (").append(context).append(contextLine > 0 && contextLine != problemLine
                    ? " that starts at line " + contextLine : "").append(')');
        }
        if (problem.startsWith("expected <block end>")) {
            text.append("; check the indentation of this line");
        }
        return new YamlSyntaxError(problemLine, text.toString());
    }

    /** What an unclosed construct is called, for the contexts in which SnakeYAML reports an unclosed one. */
    private static String opened(String context) {
        if (context.startsWith("while parsing a flow sequence")) {
            return "the '[' list";
        }
        if (context.startsWith("while parsing a flow mapping")) {
            return "the '{' mapping";
        }
        if (context.startsWith("while scanning a quoted scalar")) {
            return "the quoted string";
        }
        return null;
    }

    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }
}
