package io.modelswap.process;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lines of a failed start's output that say what went wrong. The last lines alone are often stack frames (a JVM
 * that cannot bind ends with a dozen {@code at ...} lines after {@code java.net.BindException: Address already in
 * use}), so frames are left out, and the last line that names an error is kept even when more lines follow it.
 */
final class LastWords {

    /** Stack frames of Java ({@code at x.y(Z.java:1)}, {@code ... 5 more}) and Python ({@code File "x", line 3}). */
    private static final Pattern FRAME = Pattern.compile(
            "^\\s+(at \\S.*|\\.\\.\\. \\d+ (more|common frames omitted)|File \".*\", line \\d+.*)$");
    /** A Python frame is followed by the source line it quotes, indented deeper. */
    private static final Pattern PYTHON_FRAME = Pattern.compile("^\\s+File \".*\", line \\d+.*$");
    /** Words that mark a line saying what failed. */
    private static final Pattern ERROR = Pattern.compile(
            "(?i)(exception|error|fatal|panic|failed|failure|cannot|can't|couldn't|unable|denied|refused|in use)");
    /** What modelswap writes into the output before each start: everything before it is an earlier run's. */
    static final String START_MARK = "[modelswap] starting:";

    private LastWords() {
    }

    /**
     * Up to {@code max} lines of {@code output} (oldest first) from its last start on: the last lines that are not
     * stack frames, plus the last line naming an error when it would not be among them, marked by "..." where lines
     * were left out.
     */
    static List<String> of(List<String> output, int max) {
        int from = 0;
        for (int i = output.size() - 1; i >= 0; i--) {
            if (output.get(i).startsWith(START_MARK)) {
                from = i;
                break;
            }
        }
        List<String> said = new ArrayList<>();
        boolean inPythonFrame = false;
        for (String line : output.subList(from, output.size())) {
            boolean frame = FRAME.matcher(line).matches() || (inPythonFrame && line.startsWith("    "));
            inPythonFrame = PYTHON_FRAME.matcher(line).matches();
            if (!frame && !line.isBlank()) {
                said.add(line);
            }
        }
        int lastError = -1;
        for (int i = said.size() - 1; i >= 0 && lastError < 0; i--) {
            if (!said.get(i).startsWith(START_MARK) && ERROR.matcher(said.get(i)).find()) {
                lastError = i;
            }
        }
        int tailStart = Math.max(0, said.size() - max);
        List<String> picked = new ArrayList<>();
        if (lastError >= 0 && lastError < tailStart) {
            tailStart = Math.max(0, said.size() - (max - 1));
            picked.add(said.get(lastError));
            if (lastError + 1 < tailStart) {
                picked.add("...");
            }
        } else if (tailStart > 0) {
            picked.add("...");
        }
        picked.addAll(said.subList(tailStart, said.size()));
        return picked;
    }
}
