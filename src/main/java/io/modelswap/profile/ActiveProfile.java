package io.modelswap.profile;

import io.modelswap.app.ConfigReloader;
import io.modelswap.config.ProfileConfig;
import io.modelswap.config.SwapConfig;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Which profile is active ({@code profiles.<name>}: pins that rewrite requested model names), the one owner of that
 * choice. {@code PUT /api/profiles/active} changes it; {@code hooks.on_startup.profile} sets it at start and after each
 * configuration load that applies (llama-swap #1053); a load whose profiles no longer include the active one clears
 * it. Every change is logged and told to the listeners ({@code profileChanged} in {@code /api/events}).
 */
@ApplicationScoped
public class ActiveProfile {

    private static final Logger LOG = Logger.getLogger(ActiveProfile.class);

    private final Router router;
    private final Vertx vertx;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    /** The active profile's name, "" for none; guarded by this. */
    private String active = "";

    public ActiveProfile(Router router, Vertx vertx) {
        this.router = router;
        this.vertx = vertx;
    }

    /** After {@code Lifecycle} has started the router with the first configuration. */
    void onStart(@Observes @Priority(3000) StartupEvent event) {
        applyStartupHook();
        vertx.eventBus().<ConfigReloader.ReloadStatus>localConsumer(ConfigReloader.STATUS_ADDRESS, message -> {
            if (message.body().ok() && !message.body().trigger().equals(ConfigReloader.STARTUP)) {
                applyStartupHook();
            }
        });
    }

    /** {@code hooks.on_startup.profile} of the configuration in force, or a check that the active one still exists. */
    void applyStartupHook() {
        SwapConfig config = config();
        if (config == null) {
            return;
        }
        String hook = config.startupProfile();
        if (!hook.isEmpty() && config.profiles().containsKey(hook)) {
            change(hook, "hooks.on_startup.profile");
        } else if (!active().isEmpty() && !config.profiles().containsKey(active())) {
            change("", "the reloaded configuration has no profile '" + active() + "'");
        }
    }

    /** The active profile's name; empty when none is. */
    public synchronized String active() {
        return active;
    }

    /** The active profile's definition in the configuration in force. */
    public Optional<ProfileConfig> current() {
        SwapConfig config = config();
        String name = active();
        return config == null || name.isEmpty() ? Optional.empty() : Optional.ofNullable(config.profiles().get(name));
    }

    /**
     * Activates {@code name} ("" deactivates every profile). Returns false when the configuration has no such
     * profile (nothing changes then).
     */
    public boolean activate(String name) {
        SwapConfig config = config();
        if (!name.isEmpty() && (config == null || !config.profiles().containsKey(name))) {
            return false;
        }
        change(name, "PUT /api/profiles/active");
        return true;
    }

    /** Calls {@code listener} with the new name ("" for none) after every change. */
    public void subscribe(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void change(String name, String why) {
        synchronized (this) {
            if (active.equals(name)) {
                return;
            }
            active = name;
        }
        LOG.infof("active profile changed to %s (%s)", name.isEmpty() ? "none" : "'" + name + "'", why);
        for (Consumer<String> listener : listeners) {
            listener.accept(name);
        }
    }

    private SwapConfig config() {
        RouterView view = router.view();
        return view == null ? null : view.config();
    }
}
