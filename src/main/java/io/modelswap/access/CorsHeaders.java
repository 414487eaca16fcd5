package io.modelswap.access;

import io.modelswap.config.CorsPolicy;
import io.modelswap.http.OpenAiError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CORS as {@code security.cors} says (llama-swap PR #1146): headers only for a request with an {@code Origin} that the
 * policy allows; every response says {@code Vary: Origin}, since what it carries depends on it; and an upstream's own
 * {@code Access-Control-*} headers never reach the client (llama-server sends its own, and two {@code Allow-Origin}
 * headers make strict clients fail, llama-swap #85 and #1133).
 */
final class CorsHeaders {

    static final String DEFAULT_ALLOWED_HEADERS = "Content-Type, Authorization, Accept, X-Requested-With, x-api-key";
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int MAX_ECHOED_HEADERS = 32;

    private CorsHeaders() {
    }

    /**
     * Answers an {@code OPTIONS} request, without a key as llama-swap does: 204, with the preflight headers when its
     * origin is allowed; 403 when it comes from an origin that is not.
     */
    static void preflight(HttpServerRequest request, HttpServerResponse response, CorsPolicy policy) {
        String origin = request.getHeader("Origin");
        response.headers().add("Vary", "Origin");
        if (origin == null) {
            response.setStatusCode(204).end();
            return;
        }
        if (!policy.allows(origin)) {
            OpenAiError.send(response, 403, "origin_not_allowed", "origin " + printable(origin) + " is not in"
                    + " security.cors.allowedOrigins");
            return;
        }
        MultiMap headers = response.headers();
        allowOrigin(headers, policy, origin);
        headers.set("Access-Control-Allow-Methods", String.join(", ", policy.allowedMethods()));
        headers.set("Access-Control-Allow-Headers", policy.allowedHeaders().isEmpty()
                ? sanitizeHeaders(request.getHeader("Access-Control-Request-Headers"))
                : String.join(", ", policy.allowedHeaders()));
        headers.set("Access-Control-Max-Age", Integer.toString(policy.maxAgeSeconds()));
        response.setStatusCode(204).end();
    }

    /** Once a response's headers are final: the upstream's CORS headers out, ours in when the origin is allowed. */
    static void onHeaders(HttpServerRequest request, HttpServerResponse response, CorsPolicy policy) {
        MultiMap headers = response.headers();
        // walked in place (names() builds a sorted set for every answer); upstream CORS headers are rare
        List<String> upstreams = null;
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            if (name.regionMatches(true, 0, "access-control-", 0, 15)) {
                if (upstreams == null) {
                    upstreams = new ArrayList<>(2);
                }
                upstreams.add(name);
            }
        }
        if (upstreams != null) {
            upstreams.forEach(headers::remove);
        }
        headers.add("Vary", "Origin");
        String origin = request.getHeader("Origin");
        if (origin != null && policy.allows(origin)) {
            allowOrigin(headers, policy, origin);
            if (!policy.exposedHeaders().isEmpty()) {
                headers.set("Access-Control-Expose-Headers", String.join(", ", policy.exposedHeaders()));
            }
        }
    }

    private static void allowOrigin(MultiMap headers, CorsPolicy policy, String origin) {
        headers.set("Access-Control-Allow-Origin", policy.allowOriginFor(origin));
        if (policy.allowCredentials()) {
            headers.set("Access-Control-Allow-Credentials", "true");
        }
    }

    /** The requested header names that look like header names, so nothing odd is reflected back. */
    static String sanitizeHeaders(String requested) {
        if (requested == null || requested.isBlank()) {
            return DEFAULT_ALLOWED_HEADERS;
        }
        List<String> names = new ArrayList<>();
        for (String name : requested.split(",")) {
            String trimmed = name.strip();
            if (HEADER_NAME.matcher(trimmed).matches() && names.size() < MAX_ECHOED_HEADERS) {
                names.add(trimmed);
            }
        }
        return names.isEmpty() ? DEFAULT_ALLOWED_HEADERS : String.join(", ", names);
    }

    /** An origin quoted in an error: printable ASCII only, at most 200 characters. */
    private static String printable(String origin) {
        String clean = origin.replaceAll("[^\\x20-\\x7E]", "?");
        return "'" + (clean.length() > 200 ? clean.substring(0, 200) + "..." : clean) + "'";
    }
}
