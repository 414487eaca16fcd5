package io.modelswap.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code security.cors}: which browser origins may call modelswap, and what the CORS headers say. The defaults are
 * llama-swap's, wide open: any origin, the usual methods, the request's own headers echoed, a day of preflight cache.
 *
 * @param allowedOrigins   origins allowed ({@code *}: any), compared without regard to case
 * @param allowCredentials whether {@code Access-Control-Allow-Credentials: true} is sent (then the origin is echoed,
 *                         never {@code *}, which browsers refuse with credentials)
 * @param allowedMethods   {@code Access-Control-Allow-Methods} of a preflight
 * @param allowedHeaders   {@code Access-Control-Allow-Headers} of a preflight; empty: the requested ones, echoed
 * @param exposedHeaders   {@code Access-Control-Expose-Headers}; empty: none sent
 * @param maxAgeSeconds    {@code Access-Control-Max-Age} of a preflight
 */
public record CorsPolicy(List<String> allowedOrigins, boolean allowCredentials, List<String> allowedMethods,
        List<String> allowedHeaders, List<String> exposedHeaders, int maxAgeSeconds) {

    public static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
            "OPTIONS");
    public static final CorsPolicy DEFAULT = new CorsPolicy(List.of("*"), false, DEFAULT_METHODS, List.of(),
            List.of(), 86400);

    public CorsPolicy {
        allowedOrigins = allowedOrigins.stream().map(o -> o.strip().toLowerCase(Locale.ROOT)).toList();
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders);
        exposedHeaders = List.copyOf(exposedHeaders);
    }

    /** Whether a browser page from {@code origin} may call modelswap. */
    public boolean allows(String origin) {
        return origin != null && (allowedOrigins.contains("*")
                || allowedOrigins.contains(origin.strip().toLowerCase(Locale.ROOT)));
    }

    /** What {@code Access-Control-Allow-Origin} says to an allowed {@code origin}. */
    public String allowOriginFor(String origin) {
        return allowedOrigins.contains("*") && !allowCredentials ? "*" : origin;
    }
}
