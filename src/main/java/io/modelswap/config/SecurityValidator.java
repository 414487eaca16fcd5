package io.modelswap.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys of a configuration: the plain {@code apiKeys} (full access) and the scoped ones of
 * {@code security.apiKeys}, whose {@code keyFile}s are read now, at every load, so a rotated Kubernetes secret takes
 * effect with the next reload. Problems are reported with their line; a key's value never appears in one.
 */
final class SecurityValidator {

    /** Largest key file read: a key is a line, not a document. */
    static final int MAX_KEY_FILE_BYTES = 4096;
    private static final Pattern ORIGIN = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://[A-Za-z0-9.\\[\\]:-]+");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9-]{1,64}|\\*");

    private final ProblemReporter report;
    private final LlamaSwapFile file;

    SecurityValidator(ProblemReporter report, LlamaSwapFile file) {
        this.report = report;
        this.file = file;
    }

    /** Every key in force: the plain ones first, then the scoped ones. */
    List<AccessKey> keys(List<String> plainKeys, Map<String, ModelConfig> models) {
        List<AccessKey> keys = new ArrayList<>();
        for (int i = 0; i < plainKeys.size(); i++) {
            keys.add(AccessKey.fullAccess("apiKeys[" + i + "]", plainKeys.get(i)));
        }
        List<LlamaSwapFile.ScopedKey> scoped = file.security().flatMap(LlamaSwapFile.Security::apiKeys)
                .orElse(List.of());
        for (int i = 0; i < scoped.size(); i++) {
            String path = "security.apiKeys[" + i + "]";
            AccessKey key = scoped(path, scoped.get(i), models);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** {@code security.cors}, llama-swap's defaults for what is left out. */
    CorsPolicy cors() {
        LlamaSwapFile.Cors cors = file.security().flatMap(LlamaSwapFile.Security::cors).orElse(null);
        if (cors == null) {
            return CorsPolicy.DEFAULT;
        }
        String path = "security.cors";
        List<String> origins = cors.allowedOrigins().orElse(List.of("*"));
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            if (origin == null || !(origin.equals("*") || ORIGIN.matcher(origin.strip()).matches())) {
                report.error(path + ".allowedOrigins[" + i + "]", "must be '*' or an origin such as"
                        + " https://app.example.com (scheme, host and optional port, no path; got '" + origin + "')");
            }
        }
        List<String> methods = tokens(path + ".allowedMethods", cors.allowedMethods().orElse(
                CorsPolicy.DEFAULT_METHODS));
        List<String> headers = tokens(path + ".allowedHeaders", cors.allowedHeaders().orElse(List.of()));
        List<String> exposed = tokens(path + ".exposedHeaders", cors.exposedHeaders().orElse(List.of()));
        report.atLeast(path + ".maxAge", cors.maxAge(), 0);
        if (cors.allowCredentials() && origins.contains("*")) {
            report.warn(path + ".allowCredentials", "with allowedOrigins '*' every origin's pages may send"
                    + " credentials: the origin is echoed back, since browsers refuse '*' with credentials");
        }
        return new CorsPolicy(origins.stream().filter(java.util.Objects::nonNull).toList(), cors.allowCredentials(),
                methods, headers, exposed, Math.max(0, cors.maxAge()));
    }

    /** Header or method names: letters, digits and {@code -} only, so nothing odd is ever sent in a header. */
    private List<String> tokens(String path, List<String> values) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i) == null ? "" : values.get(i).strip();
            if (TOKEN.matcher(value).matches()) {
                out.add(value);
            } else {
                report.error(path + "[" + i + "]", "must be a header or method name (letters, digits, '-'; got '"
                        + value + "')");
            }
        }
        return out;
    }

    private AccessKey scoped(String path, LlamaSwapFile.ScopedKey entry, Map<String, ModelConfig> models) {
        String secret = secret(path, entry);
        String name = entry.name().filter(n -> !n.isBlank()).orElse(path);
        Set<String> ids = new LinkedHashSet<>();
        List<Pattern> patterns = new ArrayList<>();
        List<String> names = entry.models().orElse(null);
        if (names != null) {
            if (names.isEmpty()) {
                report.error(path + ".models", "lists no model; leave 'models' out to allow every model");
            }
            for (int i = 0; i < names.size(); i++) {
                String glob = names.get(i);
                if (glob == null || glob.isBlank()) {
                    report.error(path + ".models[" + i + "]", "cannot be empty");
                    continue;
                }
                Pattern pattern = AccessKey.glob(glob);
                patterns.add(pattern);
                int before = ids.size();
                for (ModelConfig model : models.values()) {
                    boolean named = pattern.matcher(model.id()).matches()
                            || model.aliases().stream().anyMatch(alias -> pattern.matcher(alias).matches())
                            || model.filters().setParamsByID().keySet().stream()
                                    .anyMatch(alias -> pattern.matcher(alias).matches());
                    if (named) {
                        ids.add(model.id());
                    }
                }
                if (ids.size() == before && !glob.contains("*") && !glob.contains("?")) {
                    report.warn(path + ".models[" + i + "]", "no configured model or alias is named '" + glob
                            + "' (a peer's model may be)");
                }
            }
        }
        if (secret == null) {
            return null;
        }
        return new AccessKey(name, secret.getBytes(StandardCharsets.UTF_8), names == null, ids, patterns,
                entry.management(), entry.priority());
    }

    /** The key itself, from {@code key} or read from {@code keyFile}; null (and a problem) when there is none. */
    private String secret(String path, LlamaSwapFile.ScopedKey entry) {
        if (entry.key().isPresent() == entry.keyFile().isPresent()) {
            report.error(path, "needs exactly one of 'key' and 'keyFile'");
            return null;
        }
        String secret;
        String where;
        if (entry.key().isPresent()) {
            secret = entry.key().get();
            where = path + ".key";
        } else {
            where = path + ".keyFile";
            Path keyFile = Path.of(entry.keyFile().get());
            try {
                if (Files.size(keyFile) > MAX_KEY_FILE_BYTES) {
                    report.error(where, "'" + keyFile + "' is larger than " + MAX_KEY_FILE_BYTES
                            + " bytes: it should hold one key");
                    return null;
                }
                secret = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                report.error(where, "cannot read '" + keyFile + "': " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
                return null;
            }
        }
        if (secret.isEmpty()) {
            report.error(where, "an API key cannot be empty");
            return null;
        }
        if (secret.chars().anyMatch(Character::isWhitespace)) {
            report.error(where, "an API key cannot contain spaces");
            return null;
        }
        return secret;
    }
}
