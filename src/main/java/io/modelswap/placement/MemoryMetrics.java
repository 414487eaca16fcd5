package io.modelswap.placement;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Placement's gauges on {@code /metrics}: per GPU {@code modelswap_gpu_memory_bytes{gpu, kind}} (total, used, free,
 * reserved, foreign) and per model {@code modelswap_model_memory_bytes{model, kind, source}} (declared, observed,
 * effective). Refreshed from the {@link MemoryBoard} before each scrape, so a model's series follow its source (a
 * guess becomes an observation) and a removed model's series go. Label values are GPU indexes, configured model IDs and
 * fixed words.
 */
@ApplicationScoped
public class MemoryMetrics {

    private final MemoryBoard board;
    private final MultiGauge gpus;
    private final MultiGauge models;

    public MemoryMetrics(MeterRegistry registry, MemoryBoard board) {
        this.board = board;
        this.gpus = MultiGauge.builder("modelswap.gpu.memory")
                .description("GPU memory as memory-aware placement sees it, by kind").baseUnit("bytes")
                .register(registry);
        this.models = MultiGauge.builder("modelswap.model.memory")
                .description("A model's GPU memory: declared, observed peak, and what placement counts (effective)")
                .baseUnit("bytes").register(registry);
    }

    void beforeScrape(@Observes Router web) {
        web.route(HttpMethod.GET, "/metrics").order(-998).handler(rc -> {
            refresh();
            rc.next();
        });
    }

    void refresh() {
        MemoryView view = board.view();
        List<MultiGauge.Row<?>> gpuRows = new ArrayList<>();
        for (MemoryView.Gpu g : view.gpus()) {
            String id = Integer.toString(g.id());
            gpuRows.add(row(Tags.of("gpu", id, "kind", "total"), g.total()));
            gpuRows.add(row(Tags.of("gpu", id, "kind", "reserved"), g.reserved()));
            gpuRows.add(row(Tags.of("gpu", id, "kind", "foreign"), g.foreign()));
            if (g.used() >= 0) {
                gpuRows.add(row(Tags.of("gpu", id, "kind", "used"), g.used()));
                gpuRows.add(row(Tags.of("gpu", id, "kind", "free"), g.free()));
            }
        }
        gpus.register(gpuRows, true);
        List<MultiGauge.Row<?>> modelRows = new ArrayList<>();
        view.models().forEach((model, m) -> {
            modelRows.add(row(Tags.of("model", model, "kind", "declared", "source", m.source()), m.declared()));
            modelRows.add(row(Tags.of("model", model, "kind", "observed", "source", m.source()), m.observed()));
            modelRows.add(row(Tags.of("model", model, "kind", "effective", "source", m.source()), m.effective()));
        });
        models.register(modelRows, true);
    }

    private static MultiGauge.Row<?> row(Tags tags, long value) {
        return MultiGauge.Row.of(tags, value);
    }
}
