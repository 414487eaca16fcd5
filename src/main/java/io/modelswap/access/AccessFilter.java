package io.modelswap.access;

import io.modelswap.config.AccessKey;
import io.modelswap.config.SecurityConfig;
import io.modelswap.http.ErrorFormat;
import io.modelswap.http.OpenAiError;
import io.modelswap.proxy.ProxyRoutes;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The first handler of every request, proxied or not: CORS ({@code security.cors}, see {@link CorsHeaders}; every
 * {@code OPTIONS} is answered here, without a key, as llama-swap does) and, when the configuration has API keys, the
 * key check: a request with no known key gets 401; one whose key is scoped without {@code management} gets 403
 * anywhere but the model routes (which check the key's models themselves, {@link AccessKey#allows}); the key is left
 * on the routing context for them. One Vert.x route on all paths so the proxy routes and the REST API are covered alike. The key is read from
 * {@code Authorization: Bearer}, else the password of {@code Authorization: Basic}, else {@code x-api-key}; it is
 * compared in constant time, never logged, and forwarded upstream unchanged.
 */
@ApplicationScoped
public class AccessFilter {

    /** Runs before every other route (Quarkus's own and modelswap's). */
    public static final int ORDER = -1000;
    static final String REALM = "Basic realm=\"modelswap\"";
    /** Letters, digits, {@code / - _ .}: nothing that decodes, separates parameters or means something elsewhere. */
    private static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9/_.-]*");

    private final Router router;

    public AccessFilter(Router router) {
        this.router = router;
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        ErrorFormat.remember(request);
        RouterView view = router.view();
        SecurityConfig security = view == null ? SecurityConfig.OPEN : view.config().security();
        if (request.method() == HttpMethod.OPTIONS) {
            CorsHeaders.preflight(request, response, security.cors());
            return;
        }
        // once the headers are final: an upstream's own CORS headers must not be doubled or contradict ours
        rc.addHeadersEndHandler(v -> CorsHeaders.onHeaders(request, response, security.cors()));
        if (isOpen(request.path(), rc.normalizedPath())
                || isUiAsset(request, rc.normalizedPath())) {
            rc.next();
            return;
        }
        if (!security.authenticates()) {
            rc.next();
            return;
        }
        AccessKey key = matching(presentedKey(request), security.keys());
        if (key == null) {
            response.putHeader("WWW-Authenticate", REALM);
            OpenAiError.send(response, 401, "invalid_api_key", "unauthorized: a valid API key is required"
                    + " (Authorization: Bearer <key>, Basic auth password, or x-api-key)");
            return;
        }
        if (!key.management() && !ProxyRoutes.isModelRoute(rc.normalizedPath())) {
            OpenAiError.send(response, 403, "permission_denied", "API key '" + key.name() + "' may use models"
                    + " only, not management endpoints such as " + rc.normalizedPath() + " (its 'management' is"
                    + " false)");
            return;
        }
        rc.put(AccessKey.CONTEXT_KEY, key);
        rc.next();
    }

    /**
     * {@code /health} and the orchestrator probes stay open so load balancers need no key. The decision is taken on the
     * path the router routes ({@code normalized}: dot segments resolved, unreserved percent-escapes decoded), and only
     * a path that is already plain is ever open: the raw path must equal the normalised one and hold nothing a router
     * or a framework further down could read differently ({@code %}, {@code ;}, {@code //}, {@code \}). Anything else
     * needs a key, so no spelling of a protected path can pass as a health check.
     */
    static boolean isOpen(String rawPath, String normalized) {
        if (rawPath == null || !rawPath.equals(normalized) || !PLAIN_PATH.matcher(rawPath).matches()
                || rawPath.contains("//")) {
            return false;
        }
        return rawPath.equals("/health") || rawPath.equals("/q/health") || rawPath.startsWith("/q/health/");
    }

    /**
     * The web UI's static files (and the redirects to them) carry no data: they are served without a key, so that the
     * browser can load the page that asks for one. Everything the pages show comes from the API, which needs the key.
     * Only a GET or HEAD of a path that is already normal ({@code ..} or {@code //} would be routed elsewhere).
     */
    static boolean isUiAsset(HttpServerRequest request, String normalized) {
        String path = request.path();
        if ((request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) || !path.equals(normalized)) {
            return false;
        }
        return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/") || path.equals("/favicon.ico")
                || isBrowserRedirect(request, path);
    }

    /**
     * llama-swap's redirects of a browser into the UI ({@code GET /upstream}, {@code GET /logs} asking for HTML) carry
     * no data either: a browser without a key is sent to the UI, which asks for one. {@code /logs} for any other client
     * is the log text and needs the key.
     */
    private static boolean isBrowserRedirect(HttpServerRequest request, String path) {
        if (path.equals("/upstream")) {
            return true;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return path.equals("/logs") && accept != null && accept.contains("text/html");
    }

    /** The key the client presents, in order of precedence; null when none. */
    static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            String value = authorization.strip();
            String lower = value.toLowerCase(Locale.ROOT);
            if (lower.startsWith("bearer ")) {
                return value.substring("bearer ".length()).strip();
            }
            if (lower.startsWith("basic ")) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(value.substring("basic ".length()).strip()),
                            StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    return colon < 0 ? decoded : decoded.substring(colon + 1);
                } catch (IllegalArgumentException notBase64) {
                    return null;
                }
            }
        }
        return request.getHeader("x-api-key");
    }

    /**
     * The key {@code presented} is, or null. Every key is compared, each in constant time: digests of equal length
     * are compared, so neither a key's content nor its length shows in the time an answer takes.
     */
    static AccessKey matching(String presented, List<AccessKey> keys) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] given = sha256(presented.getBytes(StandardCharsets.UTF_8));
        AccessKey match = null;
        for (AccessKey key : keys) {
            if (MessageDigest.isEqual(given, sha256(key.secret())) && match == null) {
                match = key;
            }
        }
        return match;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

}
