package io.modelswap.config;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers the mapping interfaces of the user's file for reflection in the native image: {@link KnownKeys} reads
 * their methods to tell known keys from typos. Without this, a native modelswap would warn that every key is
 * unknown. {@code LlamaSwapFileReflectionTest} checks that every nested interface is listed.
 */
@RegisterForReflection(methods = true, fields = false, targets = {
        LlamaSwapFile.class,
        LlamaSwapFile.Store.class,
        LlamaSwapFile.Ui.class,
        LlamaSwapFile.Activity.class,
        LlamaSwapFile.Performance.class,
        LlamaSwapFile.Model.class,
        LlamaSwapFile.Filters.class,
        LlamaSwapFile.Timeouts.class,
        LlamaSwapFile.Compat.class,
        LlamaSwapFile.Caps.class,
        LlamaSwapFile.Group.class,
        LlamaSwapFile.Matrix.class,
        LlamaSwapFile.Routing.class,
        LlamaSwapFile.Scheduler.class,
        LlamaSwapFile.SchedulerSettings.class,
        LlamaSwapFile.Fifo.class,
        LlamaSwapFile.Router.class,
        LlamaSwapFile.RouterSettings.class,
        LlamaSwapFile.Hooks.class,
        LlamaSwapFile.OnStartup.class,
        LlamaSwapFile.Profile.class,
        LlamaSwapFile.Selector.class,
        LlamaSwapFile.SelectorSettings.class,
        LlamaSwapFile.Peer.class,
        LlamaSwapFile.Upstream.class,
        LlamaSwapFile.Resources.class,
        LlamaSwapFile.Gpu.class,
        LlamaSwapFile.ModelResources.class,
        LlamaSwapFile.Security.class,
        LlamaSwapFile.ScopedKey.class,
        LlamaSwapFile.Cors.class })
final class LlamaSwapFileReflection {

    private LlamaSwapFileReflection() {
    }
}
