package io.modelswap.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One API key and what it may do. A key of the plain {@code apiKeys} list may do everything; a scoped key of
 * {@code security.apiKeys} may use only its models, calls management endpoints only with {@code management}, and its
 * requests queue with its {@code priority} added to their model's.
 *
 * @param name       how logs and errors name the key (never the key itself): its {@code name}, else its place
 * @param secret     the key, as UTF-8 bytes (compared in constant time)
 * @param allModels  whether every model is allowed (no {@code models} list)
 * @param modelIds   the configured models its {@code models} entries name, by ID, alias or glob, resolved at load
 * @param patterns   its {@code models} entries as globs, for names no configured model has (a peer's)
 * @param management whether it may call management endpoints (load, unload, reload, logs, events, UI, metrics)
 * @param priority   added to the queue priority of its requests
 */
public record AccessKey(String name, byte[] secret, boolean allModels, Set<String> modelIds, List<Pattern> patterns,
        boolean management, int priority) {

    /** Where the proxy finds the key that authorized a request ({@code RoutingContext.get}). */
    public static final String CONTEXT_KEY = "modelswap.accessKey";

    public AccessKey {
        Objects.requireNonNull(name, "name");
        secret = secret.clone();
        modelIds = Set.copyOf(modelIds);
        patterns = List.copyOf(patterns);
    }

    /** A key of the plain {@code apiKeys} list: full access. */
    static AccessKey fullAccess(String name, String key) {
        return new AccessKey(name, key.getBytes(StandardCharsets.UTF_8), true, Set.of(), List.of(), true, 0);
    }

    /** Whether requests with this key may use the model with ID {@code modelId}. */
    public boolean allows(String modelId) {
        if (allModels || modelIds.contains(modelId)) {
            return true;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matcher(modelId).matches()) {
                return true;
            }
        }
        return false;
    }

    /** {@code *} any run of characters, {@code ?} any one; everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AccessKey key && name.equals(key.name)
                && java.security.MessageDigest.isEqual(secret, key.secret) && allModels == key.allModels
                && modelIds.equals(key.modelIds) && patterns.stream().map(Pattern::pattern).toList()
                .equals(key.patterns.stream().map(Pattern::pattern).toList()) && management == key.management
                && priority == key.priority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, allModels, modelIds, management, priority);
    }

    /** Never the key itself: records end up in logs and debuggers. */
    @Override
    public String toString() {
        return "AccessKey[" + name + "]";
    }
}
