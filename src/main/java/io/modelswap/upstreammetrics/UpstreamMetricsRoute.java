package io.modelswap.upstreammetrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.modelswap.config.ModelConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.process.ProcessView;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.modelswap.settings.ModelswapSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code GET /metrics} with the upstreams' own metrics in it: when a model has a {@code metricsEndpoint}, each such
 * model that is ready is scraped at once, concurrently, within {@code modelswap.upstream-metrics.timeout}, and its
 * samples follow modelswap's own ({@link MergedExposition} says how they are named and labelled). A slow, dead or
 * malformed upstream costs at most the timeout and is counted in {@code modelswap_upstream_scrapes_total}, never an
 * error of the scrape. The answer is then always the Prometheus text format 0.0.4, the one the upstreams speak (a
 * client that asks for OpenMetrics, as the Prometheus server does, accepts it too). Without any
 * {@code metricsEndpoint} this route steps aside and {@code /metrics} is as before.
 */
@ApplicationScoped
public class UpstreamMetricsRoute {

    private static final Logger LOG = Logger.getLogger(UpstreamMetricsRoute.class);
    /** After the access check, the format choice and the refreshes of modelswap's own gauges (orders -999, -998). */
    static final int ORDER = -990;
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final Router router;
    private final PrometheusMeterRegistry prometheus;
    private final MeterRegistry registry;
    private final UpstreamScraper scraper;

    public UpstreamMetricsRoute(Vertx vertx, Router router, PrometheusMeterRegistry prometheus,
            MeterRegistry registry, ModelswapSettings settings) {
        this.vertx = vertx;
        this.router = router;
        this.prometheus = prometheus;
        this.registry = registry;
        this.scraper = new UpstreamScraper(vertx, settings.upstreamMetrics().timeout().toMillis());
    }

    void register(@Observes io.vertx.ext.web.Router web) {
        web.route(HttpMethod.GET, "/metrics").order(ORDER).handler(this::onScrape);
    }

    private void onScrape(RoutingContext rc) {
        RouterView view = router.view();
        if (view == null || view.config().models().values().stream().allMatch(m -> m.metricsEndpoint().isEmpty())) {
            rc.next();
            return;
        }
        List<ModelConfig> ready = new ArrayList<>();
        for (ModelConfig model : view.config().models().values()) {
            ProcessView process = view.processes().get(model.id());
            if (!model.metricsEndpoint().isEmpty() && process != null && process.state() == ProcessState.READY) {
                ready.add(model);
            }
        }
        List<Future<UpstreamScraper.Result>> scrapes = ready.stream().map(scraper::scrape).toList();
        Future.join(scrapes).onComplete(done -> {
            MergedExposition merged = new MergedExposition();
            for (int i = 0; i < ready.size(); i++) {
                UpstreamScraper.Result result = scrapes.get(i).result();
                count(ready.get(i).id(), result.outcome());
                if (result.text() != null) {
                    merged.add(ready.get(i).id(), result.text());
                }
            }
            vertx.<String>executeBlocking(() -> {
                String own = prometheus.scrape(CONTENT_TYPE);
                return own + merged.render(MergedExposition.declaredFamilies(own));
            }, false).onComplete(text -> {
                if (text.failed()) {
                    LOG.warnf("metrics scrape failed: %s", text.cause().toString());
                    rc.fail(500, text.cause());
                    return;
                }
                if (merged.dropped() > 0) {
                    LOG.debugf("left %d upstream metric lines out of /metrics", merged.dropped());
                }
                rc.response().putHeader("Content-Type", CONTENT_TYPE).end(text.result());
            });
        });
    }

    private void count(String model, String outcome) {
        Counter.builder("modelswap.upstream.scrapes")
                .description("Scrapes of upstreams' own metrics (metricsEndpoint) during /metrics, by outcome")
                .tag("model", model).tag("outcome", outcome).register(registry).increment();
    }
}
