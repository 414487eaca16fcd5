package io.modelswap.router.scheduler;

/** Why the scheduler asks the world to stop models (shown in logs and events). */
public enum StopReason {
    TTL, UNLOAD, RELOAD, CANCELLED, SHUTDOWN
}
