package io.modelswap.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration file as the Config page shows it: line for line (so {@code file:line} problems can point into it),
 * with the values of secret keys masked: {@code apiKeys} entries (scoped ones whole), a {@code key:}, a peer's
 * {@code apiKey}, and the values of
 * {@code env} entries ({@code NAME=value} keeps its name). Masking is by line, so it never moves a line.
 */
public final class ConfigFileView {

    static final String MASK = "••••••";
    /** {@code key: value} with the key's indentation, an optional list dash and quoting. */
    private static final Pattern KEY_LINE = Pattern.compile("^(\\s*)(-\\s+)?([A-Za-z0-9_.\"'-]+)\\s*:(\\s*)(.*)$");
    private static final Pattern LIST_ITEM = Pattern.compile("^(\\s*)-\\s+(.*)$");
    private static final List<String> SECRET_LISTS = List.of("apikeys", "env");
    /** {@code key} is a scoped API key's ({@code security.apiKeys[].key}); llama-swap has no other key of that name. */
    private static final List<String> SECRET_SCALARS = List.of("apikey", "key");

    private ConfigFileView() {
    }

    /** The file's lines, secrets masked. */
    public static List<String> masked(String text) {
        List<String> out = new ArrayList<>();
        int listIndent = -1; // indentation of the secret list's key while inside it
        String listKey = null;
        for (String line : text.split("\r?\n", -1)) {
            int indent = indentOf(line);
            boolean blank = line.isBlank() || line.strip().startsWith("#");
            if (listKey != null && !blank) {
                Matcher item = LIST_ITEM.matcher(line);
                if (item.matches() && indent >= listIndent) {
                    out.add(item.group(1) + "- " + maskItem(listKey, item.group(2)));
                    continue;
                }
                if (indent <= listIndent) {
                    listKey = null;
                }
                // a later line of a list item (a scoped key's "key:") goes through the scalar rules below
            }
            Matcher kv = KEY_LINE.matcher(line);
            if (kv.matches()) {
                String key = kv.group(3).replace("\"", "").replace("'", "").toLowerCase(java.util.Locale.ROOT);
                String value = kv.group(5);
                String prefix = line.substring(0, kv.start(5));
                if (SECRET_LISTS.contains(key)) {
                    if (value.isBlank() || value.startsWith("#")) {
                        listKey = key;
                        listIndent = kv.group(1).length();
                        out.add(line);
                    } else {
                        out.add(prefix + (value.startsWith("[") ? "[" + MASK + "]" : MASK));
                    }
                    continue;
                }
                if (SECRET_SCALARS.contains(key) && !value.isBlank()) {
                    out.add(prefix + MASK);
                    continue;
                }
            }
            out.add(line);
        }
        return out;
    }

    private static String maskItem(String listKey, String item) {
        if (listKey.equals("env")) {
            String unquoted = item.replaceAll("^[\"']|[\"']$", "");
            int eq = unquoted.indexOf('=');
            return eq < 0 ? MASK : unquoted.substring(0, eq + 1) + MASK;
        }
        return MASK;
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
