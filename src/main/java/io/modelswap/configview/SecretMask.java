package io.modelswap.configview;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Hides secrets in configuration values shown to a person: {@code env} values, the value of a command-line flag whose
 * name says it is a secret ({@code --api-key X}, {@code --hf-token=X}), and any literal occurrence of a configured
 * API key, wherever a macro may have put it.
 */
final class SecretMask {

    static final String MASK = "********";
    /** Flag names whose value is a secret. */
    private static final Pattern SECRET_FLAG = Pattern.compile("--?[A-Za-z0-9_-]*(key|token|secret|password|passwd)"
            + "[A-Za-z0-9_-]*", Pattern.CASE_INSENSITIVE);
    /** Shorter keys would mask ordinary words. */
    private static final int MIN_KEY_LENGTH = 4;

    private final List<String> keys;

    SecretMask(Collection<String> apiKeys) {
        List<String> longEnough = new ArrayList<>();
        for (String key : apiKeys) {
            if (key != null && key.length() >= MIN_KEY_LENGTH) {
                longEnough.add(key);
            }
        }
        this.keys = List.copyOf(longEnough);
    }

    /** {@code NAME=value} becomes {@code NAME=********}. */
    String env(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq + 1) + MASK;
    }

    /** A command line with the values of secret flags (and any API key) masked; whitespace is kept. */
    String command(String cmd) {
        String[] tokens = cmd.split("(?<=\\s)|(?=\\s)");
        StringBuilder out = new StringBuilder();
        boolean maskNext = false;
        for (String token : tokens) {
            if (token.isBlank()) {
                out.append(token);
                continue;
            }
            if (maskNext) {
                out.append(MASK);
                maskNext = false;
                continue;
            }
            int eq = token.indexOf('=');
            String flag = eq < 0 ? token : token.substring(0, eq);
            if (SECRET_FLAG.matcher(flag).matches()) {
                if (eq < 0) {
                    maskNext = true;
                    out.append(token);
                } else {
                    out.append(flag).append('=').append(MASK);
                }
                continue;
            }
            out.append(text(token));
        }
        return out.toString();
    }

    /** Any configured API key inside {@code value} masked. */
    String text(String value) {
        String out = value;
        for (String key : keys) {
            if (out.contains(key)) {
                out = out.replace(key, MASK);
            }
        }
        return out;
    }

    /** Masks every string inside a JSON-like value (maps, lists, scalars), keys of maps included. */
    Object deep(Object value) {
        if (value instanceof String s) {
            return text(s);
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(text(String.valueOf(k)), deep(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(deep(v)));
            return out;
        }
        return value;
    }
}
