package io.modelswap.proxy;

import io.modelswap.backend.Upstream;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a client's request is turned into the upstream's: which headers go on (not the hop-by-hop ones; the
 * {@link Upstream}'s own rules applied), under which path, and whether a body of unknown length follows.
 */
final class UpstreamRequests {

    /**
     * RFC 9110 hop-by-hop headers, never forwarded in either direction; and {@code Expect}, which modelswap answers
     * itself (a 100 Continue once it reads the body) and asks of the upstream only under its own terms
     * ({@link ContinueGate}, {@code timeouts.expectContinue}).
     */
    private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host", "expect"};

    /** Methods whose requests never carry a body (an HTTP/2 request of another method may, without a length). */
    private static final Set<HttpMethod> BODILESS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE);

    private UpstreamRequests() {
    }

    /**
     * Whether a request without Content-Length still carries a body: HTTP/1.1 says so with Transfer-Encoding; HTTP/2
     * frames carry no such promise, so every method but the ones that never have a body is taken to have one (an
     * empty one costs a zero-length chunk).
     */
    static boolean hasBodyOfUnknownLength(HttpServerRequest server) {
        if (server.version() == HttpVersion.HTTP_2) {
            return !BODILESS.contains(server.method());
        }
        return server.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /**
     * Whether {@code name} is one of {@link #HOP_BY_HOP}, in any case, without making a lower-case copy (this runs for
     * every header of every request and answer).
     */
    static boolean isHopByHop(String name) {
        for (String hop : HOP_BY_HOP) {
            if (hop.length() == name.length() && hop.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The client's headers less hop-by-hop ones, with the upstream's own header rules applied. */
    static MultiMap headers(MultiMap incoming, boolean bodyReplaced, Upstream target) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        boolean removals = !target.removeHeaders().isEmpty();
        for (Map.Entry<String, String> header : incoming) {
            String name = header.getKey();
            if (!isHopByHop(name) && !(bodyReplaced && name.equalsIgnoreCase("content-length"))
                    && !(removals && target.removeHeaders().contains(name.toLowerCase(Locale.ROOT)))) {
                headers.add(name, header.getValue());
            }
        }
        target.setHeaders().forEach(headers::set);
        return headers;
    }

    static String joinPath(String basePath, String path) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return path;
        }
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        return base + path;
    }
}
