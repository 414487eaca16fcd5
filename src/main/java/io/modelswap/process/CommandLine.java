package io.modelswap.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a model's {@code cmd} into arguments the way llama-swap does ({@code config.SanitizeCommand} then POSIX
 * shlex): lines whose first non-blank character is {@code #} are dropped, a trailing {@code \} joins a line to the
 * next, then words are split on blanks with single quotes (all literal), double quotes (backslash escapes only
 * {@code $ ` " \} and newline) and backslash escapes outside quotes. A {@code #} that starts a word comments out the
 * rest of its line. Nothing is expanded: no variables, no globs.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /**
     * @return the arguments, at least one
     * @throws IllegalArgumentException when the command is empty or a quote or escape is left unfinished
     */
    public static List<String> split(String command) {
        if (command == null) {
            throw new IllegalArgumentException("empty command: cmd must name a program to run");
        }
        List<String> args = shlex(sanitize(command));
        if (args.isEmpty()) {
            throw new IllegalArgumentException("empty command: cmd must name a program to run (was \""
                    + command.strip() + "\")");
        }
        return args;
    }

    /** llama-swap's SanitizeCommand: drops comment lines and turns trailing-backslash continuations into blanks. */
    static String sanitize(String command) {
        StringBuilder kept = new StringBuilder();
        for (String line : command.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                continue;
            }
            if (!kept.isEmpty()) {
                kept.append('\n');
            }
            kept.append(trimmed.endsWith("\\") ? trimmed.substring(0, trimmed.length() - 1) + " " : line);
        }
        return kept.toString();
    }

    private static List<String> shlex(String s) {
        List<String> args = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (isBlank(c)) {
                if (inWord) {
                    args.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '#' && !inWord) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '\\') {
                if (i + 1 >= s.length()) {
                    throw new IllegalArgumentException("command ends with an unfinished backslash escape: " + s);
                }
                char next = s.charAt(i + 1);
                if (next != '\n') {
                    word.append(next);
                    inWord = true;
                }
                i += 2;
            } else if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote at position " + i + " in: " + s);
                }
                word.append(s, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(s, i, word);
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            args.add(word.toString());
        }
        return args;
    }

    /** Appends the double-quoted string opening at {@code open}; returns the index after its closing quote. */
    private static int doubleQuoted(String s, int open, StringBuilder word) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
                if (s.charAt(i + 1) != '\n') {
                    word.append(s.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated double quote at position " + open + " in: " + s);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
