package io.modelswap.selector;

import io.modelswap.backend.Backends;
import io.modelswap.backend.ServedModel;
import io.modelswap.config.ProfileConfig;
import io.modelswap.config.SelectorConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.failure.FailureCause;
import io.modelswap.http.BadRequestException;
import io.modelswap.peer.PeerBackend;
import io.modelswap.process.ProcessState;
import io.modelswap.process.ProcessView;
import io.modelswap.profile.ActiveProfile;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A requested name to the model that serves it, in llama-swap's order: the active profile's pin (an empty pin switches
 * the name off), then the selector of that name (which chooses a target), then the backends (local models and aliases
 * first, then peers). Reading the local models' states to choose a selector's target is advisory, as llama-swap's
 * selectors do: the router still decides every swap.
 */
@ApplicationScoped
public class ModelResolver {

    private static final Logger LOG = Logger.getLogger(ModelResolver.class);

    private final Backends backends;
    private final Router router;
    private final ActiveProfile profiles;
    private final PeerBackend peers;
    /** The spillover selectors' counts for the configuration they were made for; remade when it changes. */
    private volatile Counts counts = new Counts(null, Map.of());

    private record Counts(SwapConfig config, Map<String, SpilloverCounts> bySelector) {
    }

    /** The failover selectors' back-offs for the configuration they were made for; remade when it changes. */
    private volatile FailoverStates failoverStates = new FailoverStates(null, new ConcurrentHashMap<>());

    private record FailoverStates(SwapConfig config, Map<String, FailoverState> bySelector) {
    }

    private final Failovers failovers;

    public ModelResolver(Backends backends, Router router, ActiveProfile profiles, PeerBackend peers,
            Failovers failovers) {
        this.failovers = failovers;
        this.backends = backends;
        this.router = router;
        this.profiles = profiles;
        this.peers = peers;
    }

    /** What {@code requested} means now; a 404 (unknown or switched off) or 503 (no target) when nothing serves it. */
    public Resolution resolve(String requested) {
        RouterView view = router.view();
        String name = requested;
        Optional<ProfileConfig> profile = profiles.current();
        if (profile.isPresent() && profile.get().pins().containsKey(name)) {
            String pinned = profile.get().pins().get(name);
            if (pinned.isEmpty()) {
                throw new BadRequestException(404, FailureCause.UNKNOWN_MODEL.code(), "model '" + requested
                        + "' is switched off by the active profile '" + profile.get().name() + "'");
            }
            name = pinned;
        }
        Runnable release = () -> { };
        SelectorConfig selector = view == null ? null : view.config().selectors().get(name);
        if (selector != null && selector.strategy().equals(SelectorConfig.FAILOVER)) {
            return failover(view.config(), selector, requested);
        }
        List<String> reach = null;
        if (selector != null) {
            reach = reach(selector);
            Choice choice = choose(view, selector);
            LOG.debugf("selector %s (%s) chose %s", selector.id(), selector.strategy(), choice.target());
            name = choice.target();
            release = choice.release();
        }
        Optional<ServedModel> found = backends.find(name);
        if (found.isEmpty()) {
            release.run();
            throw new BadRequestException(404, FailureCause.UNKNOWN_MODEL.code(), "model '" + requested
                    + "' not found; GET /v1/models lists the configured models");
        }
        ServedModel model = found.get();
        if (!name.equals(requested) && model.useModelName().isEmpty()) {
            model = new ServedModel(model.backend(), model.id(), name, model.filters(), model.sendLoadingState());
        }
        return new Resolution(model, name, release, reach == null ? List.of(model.id()) : reach);
    }

    /** The IDs of every target of {@code selector} that something serves: what a request for it may reach. */
    private List<String> reach(SelectorConfig selector) {
        List<String> ids = new ArrayList<>();
        for (String target : selector.targets()) {
            backends.find(target).ifPresent(model -> ids.add(model.id()));
        }
        return ids;
    }

    /**
     * A {@code failover} selector: its targets not backing off, in order, each under its own name; the request is
     * acquired through a {@link FailoverBackend} that moves on from one to the next (see {@link FailoverAcquisition}).
     * Activity and metrics show the request under the selector's name.
     */
    private Resolution failover(SwapConfig config, SelectorConfig selector, String requested) {
        FailoverState state = failoverStateOf(config, selector);
        List<ServedModel> candidates = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String target : state.order(selector.targets())) {
            backends.find(target).ifPresent(model -> {
                candidates.add(model.useModelName().isEmpty() ? new ServedModel(model.backend(), model.id(), target,
                        model.filters(), model.sendLoadingState()) : model);
                names.add(target);
            });
        }
        if (candidates.isEmpty()) {
            throw new BadRequestException(404, FailureCause.UNKNOWN_MODEL.code(), "model '" + requested
                    + "' not found; GET /v1/models lists the configured models");
        }
        ServedModel first = candidates.get(0);
        FailoverBackend backend = new FailoverBackend(new FailoverAcquisition.Chain(failovers, state, selector.id(),
                candidates));
        return new Resolution(new ServedModel(backend, selector.id(), first.useModelName(), first.filters(),
                first.sendLoadingState()), names.get(0), () -> { }, reach(selector));
    }

    private FailoverState failoverStateOf(SwapConfig config, SelectorConfig selector) {
        FailoverStates current = failoverStates;
        if (current.config() != config) {
            synchronized (this) {
                if (failoverStates.config() != config) {
                    failoverStates = new FailoverStates(config, new ConcurrentHashMap<>());
                }
                current = failoverStates;
            }
        }
        return current.bySelector().computeIfAbsent(selector.id(), id -> new FailoverState(
                Duration.ofSeconds(selector.backoffSeconds()), System::nanoTime));
    }

    /** A path's model ({@code /upstream/<name>/}): the profile's pins apply, selectors do not (as in llama-swap). */
    public Optional<ServedModel> resolvePath(String requested) {
        Optional<ProfileConfig> profile = profiles.current();
        String name = requested;
        if (profile.isPresent() && profile.get().pins().containsKey(name)) {
            name = profile.get().pins().get(name);
            if (name.isEmpty()) {
                return Optional.empty();
            }
        }
        String target = name;
        return backends.find(name).map(model -> target.equals(requested) || !model.useModelName().isEmpty() ? model
                : new ServedModel(model.backend(), model.id(), target, model.filters(), model.sendLoadingState()));
    }

    private record Choice(String target, Runnable release) {
    }

    private Choice choose(RouterView view, SelectorConfig selector) {
        Map<String, ProcessState> states = states(view);
        SwapConfig config = view.config();
        return switch (selector.strategy()) {
            case "warm" -> new Choice(SelectorChoice.warm(selector, states, target -> config.resolve(target)
                    .map(m -> m.id()).orElse(target)), () -> { });
            case "spillover" -> {
                SpilloverCounts spill = countsOf(config).get(selector.id());
                SpilloverCounts.Target target = spill.reserve(states);
                java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
                yield new Choice(target.name(), () -> {
                    if (released.compareAndSet(false, true)) {
                        spill.release(target);
                    }
                });
            }
            default -> new Choice(SelectorChoice.pin(selector), () -> { });
        };
    }

    private static Map<String, ProcessState> states(RouterView view) {
        Map<String, ProcessState> states = new HashMap<>();
        for (Map.Entry<String, ProcessView> process : view.processes().entrySet()) {
            states.put(process.getKey(), process.getValue().state());
        }
        return states;
    }

    private Map<String, SpilloverCounts> countsOf(SwapConfig config) {
        Counts current = counts;
        if (current.config() == config) {
            return current.bySelector();
        }
        synchronized (this) {
            if (counts.config() != config) {
                Map<String, SpilloverCounts> bySelector = new HashMap<>();
                for (SelectorConfig selector : config.selectors().values()) {
                    if (!selector.strategy().equals("spillover")) {
                        continue;
                    }
                    List<SpilloverCounts.Target> targets = new ArrayList<>();
                    for (String target : selector.targets()) {
                        Optional<String> local = config.resolve(target).map(m -> m.id());
                        String key = local.orElseGet(() -> peers.routes().find(target).map(r -> r.fqn())
                                .orElse(target));
                        targets.add(new SpilloverCounts.Target(target, key, local.isPresent()));
                    }
                    bySelector.put(selector.id(), new SpilloverCounts(selector.id(), selector.spillover(), targets));
                }
                counts = new Counts(config, Map.copyOf(bySelector));
            }
            return counts.bySelector();
        }
    }
}
