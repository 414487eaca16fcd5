package io.modelswap.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * A {@code GET} of an absolute {@code http://} or {@code https://} URL as Vert.x request options, built from the parts
 * of a {@link URI} rather than with {@link RequestOptions#setAbsoluteURI(String)}: that goes through
 * {@code java.net.URL}, whose {@code https} handler a native executable does not include unless told to (the call
 * then throws, and a health check that throws never reaches its deadline).
 */
public final class GetRequests {

    private GetRequests() {
    }

    /**
     * {@code GET url}: host, port (80 or 443 when the URL has none), TLS for {@code https}, path and query as written.
     *
     * @throws IllegalArgumentException when {@code url} is not an absolute http or https URL with a host
     */
    public static RequestOptions of(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http or https URL with a host: " + url);
        }
        boolean tls = scheme.equals("https");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new RequestOptions().setMethod(HttpMethod.GET).setHost(host)
                .setPort(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80).setSsl(tls).setURI(path + query);
    }
}
