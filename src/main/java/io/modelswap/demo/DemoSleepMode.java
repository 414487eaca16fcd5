package io.modelswap.demo;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * vLLM's sleep mode, as the demo upstream plays it with {@code --enable-sleep-mode} (vLLM's own flag; vLLM also wants
 * {@code VLLM_SERVER_DEV_MODE=1} for the endpoints): {@code POST /sleep?level=N} and {@code POST /wake_up} answer 200
 * with an empty body once done, {@code GET /is_sleeping} answers {@code {"is_sleeping": bool}}; while asleep the
 * accelerator memory it reports drops, and the endpoints that need the weights answer 503 with a
 * {@code ModelSleepingError}. Without the flag the three paths are 404 {@code {"detail":"Not Found"}}, as FastAPI
 * answers an unknown route.
 */
final class DemoSleepMode {

    /** What a sleeping vLLM keeps on the accelerator: its CUDA context and buffers, a few percent. */
    static final int ASLEEP_MEMORY_PERCENT = 5;

    private final boolean enabled;
    private final long sleepMillis;
    private final long wakeMillis;
    private final boolean failWake;
    private final int memoryMib;
    private volatile boolean sleeping;
    private volatile int level;
    private final AtomicInteger sleeps = new AtomicInteger();
    private final AtomicInteger wakes = new AtomicInteger();

    DemoSleepMode(boolean enabled, long sleepMillis, long wakeMillis, boolean failWake, int memoryMib) {
        this.enabled = enabled;
        this.sleepMillis = sleepMillis;
        this.wakeMillis = wakeMillis;
        this.failWake = failWake;
        this.memoryMib = memoryMib;
    }

    boolean sleeping() {
        return sleeping;
    }

    /** The status and body for one of the sleep paths, or null when {@code path} is not one. */
    Answer handle(String method, String path, String levelParam) {
        if (!path.equals("/sleep") && !path.equals("/wake_up") && !path.equals("/is_sleeping")) {
            return null;
        }
        if (!enabled) {
            return new Answer(404, "{\"detail\":\"Not Found\"}");
        }
        if (path.equals("/is_sleeping")) {
            return method.equals("GET") ? new Answer(200, "{\"is_sleeping\":" + sleeping + "}") : notAllowed();
        }
        if (!method.equals("POST")) {
            return notAllowed();
        }
        if (path.equals("/sleep")) {
            DemoUpstream.pause(sleepMillis);
            level = levelParam == null || levelParam.isEmpty() ? 1 : Integer.parseInt(levelParam);
            sleeping = true;
            sleeps.incrementAndGet();
            System.out.println("sleeping at level " + level);
            return new Answer(200, "");
        }
        DemoUpstream.pause(wakeMillis);
        wakes.incrementAndGet();
        if (failWake) {
            System.out.println("failing to wake up (--fail-wake)");
            return new Answer(500, "Internal Server Error");
        }
        sleeping = false;
        System.out.println("woken up");
        return new Answer(200, "");
    }

    /** The 503 vLLM answers on an endpoint that needs the weights while the engine sleeps. */
    static Answer asleepError() {
        return new Answer(503, "{\"error\":{\"message\":\"Model is currently in sleep mode. Please wake it up first"
                + " with a POST request to /wake_up\",\"type\":\"ModelSleepingError\",\"code\":503}}");
    }

    /** The accelerator memory it holds now, for {@code GET /stats}. */
    int memoryMib() {
        return sleeping ? memoryMib * ASLEEP_MEMORY_PERCENT / 100 : memoryMib;
    }

    /** The counters for {@code GET /stats}. */
    String statsJson() {
        return "\"sleeping\":" + sleeping + ",\"sleeps\":" + sleeps.get() + ",\"wakes\":" + wakes.get()
                + ",\"gpu_memory_mib\":" + memoryMib();
    }

    private static Answer notAllowed() {
        return new Answer(405, "{\"detail\":\"Method Not Allowed\"}");
    }

    /** A status and a JSON (or empty) body. */
    record Answer(int status, String body) {
    }
}
