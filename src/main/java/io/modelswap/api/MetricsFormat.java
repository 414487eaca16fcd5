package io.modelswap.api;

import io.modelswap.access.AccessFilter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;

/**
 * Which exposition format {@code GET /metrics} answers in. Quarkus's Prometheus handler answers OpenMetrics unless
 * the {@code Accept} header names {@code text/plain}, so {@code curl} ({@code Accept: *}{@code /*}) got OpenMetrics,
 * whose escaping Prometheus's own text linter ({@code promtool check metrics}) rejects. modelswap answers the
 * Prometheus text format 0.0.4 unless the client prefers OpenMetrics explicitly (a higher {@code q} than any range
 * that covers {@code text/plain}), as the Prometheus server does and as llama-swap and the Prometheus client
 * libraries negotiate. The decision is handed to Quarkus's handler as a plain {@code Accept} header.
 */
@ApplicationScoped
public class MetricsFormat {

    static final String PATH = "/metrics";
    static final String OPEN_METRICS = "application/openmetrics-text";
    /** What Quarkus's handler declares it produces for OpenMetrics (Vert.x matches Accept against it). */
    static final String OPEN_METRICS_1_0_0 = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String TEXT_0_0_4 = "text/plain; version=0.0.4";
    /** After the access check ({@link AccessFilter#ORDER}), before Quarkus's metrics route. */
    static final int ORDER = AccessFilter.ORDER + 1;

    void register(@Observes io.vertx.ext.web.Router web) {
        web.get(PATH).order(ORDER).handler(this::negotiate);
    }

    private void negotiate(RoutingContext rc) {
        String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
        rc.request().headers().set(HttpHeaders.ACCEPT, prefersOpenMetrics(accept) ? OPEN_METRICS_1_0_0 : TEXT_0_0_4);
        rc.next();
    }

    /** Whether {@code accept} ranks OpenMetrics above the Prometheus text format. */
    static boolean prefersOpenMetrics(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double openMetrics = 0;
        double text = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double q = quality(parts);
            if (type.equals(OPEN_METRICS)) {
                openMetrics = Math.max(openMetrics, q);
            } else if (type.equals("text/plain") || type.equals("text/*") || type.equals("*/*")) {
                text = Math.max(text, q);
            }
        }
        return openMetrics > 0 && openMetrics > text;
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].strip();
            if (parameter.startsWith("q=")) {
                try {
                    return Math.max(0, Math.min(1, Double.parseDouble(parameter.substring(2))));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
