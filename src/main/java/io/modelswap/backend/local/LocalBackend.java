package io.modelswap.backend.local;

import io.modelswap.progress.LoadTimes;
import io.modelswap.backend.Acquisition;
import io.modelswap.backend.ModelBackend;
import io.modelswap.backend.ServedModel;
import io.modelswap.backend.Upstream;
import io.modelswap.config.ModelConfig;
import io.modelswap.process.ProcessState;
import io.modelswap.process.ProcessView;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The models of the configuration, run as local processes: the backend that wraps the router's handshake (submit,
 * admission, grant, withdraw, serve done, retry after a refused connection). The one place that handshake is
 * written; the proxy, the load endpoints and the preload all go through an {@link Acquisition} of this backend.
 */
@ApplicationScoped
public class LocalBackend implements ModelBackend {

    public static final String KIND = "local";

    private final Router router;
    private final LoadTimes loadTimes;
    private final IgnorePaths ignorePaths = new IgnorePaths();

    public LocalBackend(Router router, LoadTimes loadTimes) {
        this.router = router;
        this.loadTimes = loadTimes;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean ready() {
        return router.view() != null;
    }

    @Override
    public Optional<ServedModel> find(String name) {
        RouterView view = router.view();
        return view == null ? Optional.empty() : view.config().resolve(name).map(this::served);
    }

    /** A configured model (by its ID) as this backend serves it. */
    public Optional<ServedModel> byId(String id) {
        RouterView view = router.view();
        return view == null ? Optional.empty() : Optional.ofNullable(view.config().models().get(id)).map(this::served);
    }

    private ServedModel served(ModelConfig model) {
        return new ServedModel(this, model.id(), model.useModelName(), model.filters(), model.sendLoadingState());
    }

    @Override
    public Acquisition acquire(ServedModel model) {
        return new LocalAcquisition(router, loadTimes, model, router.submit(model.id()));
    }

    @Override
    public Acquisition acquire(ServedModel model, int priority) {
        return new LocalAcquisition(router, loadTimes, model, router.submit(model.id(), priority));
    }

    @Override
    public boolean mayStartFor(ServedModel model, String upstreamPath) {
        RouterView view = router.view();
        return view == null || !ignorePaths.matches(view.config().upstreamIgnorePaths(), upstreamPath);
    }

    @Override
    public boolean ignoresWebsockets(ServedModel model) {
        RouterView view = router.view();
        ModelConfig config = view == null ? null : view.config().models().get(model.id());
        return config != null && config.ignoreWebsockets();
    }

    @Override
    public Optional<Upstream> readyUpstream(ServedModel model) {
        RouterView view = router.view();
        ModelConfig config = view == null ? null : view.config().models().get(model.id());
        return config != null && looksReady(model) ? Optional.of(LocalAcquisition.upstreamOf(config))
                : Optional.empty();
    }

    @Override
    public boolean looksReady(ServedModel model) {
        RouterView view = router.view();
        ProcessView process = view == null ? null : view.processes().get(model.id());
        return process != null && process.state() == ProcessState.READY;
    }
}
