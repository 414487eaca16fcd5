package io.modelswap.slots;

import io.modelswap.config.ModelConfig;
import io.modelswap.config.SlotsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import io.modelswap.http.ControlCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Saves and restores a llama-server upstream's slots through its own API ({@code GET /slots},
 * {@code POST /slots/{id}?action=save|restore} with {@code {"filename": ...}}), so that a conversation's prompt cache
 * outlives a stop or a sleep. Best effort by design: every failure is logged and reported as an outcome, and the
 * returned future always succeeds, so a failed save never keeps a model from stopping and a failed restore never fails
 * a request (the prompt is then processed again, as without this).
 */
public final class SlotKeeper {

    private static final Logger LOG = Logger.getLogger(SlotKeeper.class);
    /** How long one slot call may take: a long context of a big model is gigabytes to write or read. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private SlotKeeper() {
    }

    /** Saves every slot that holds a prompt cache, then prunes the model's files to its bounds. */
    public static Future<Void> saveAll(ModelConfig model, Executor blocking, Consumer<SlotOutcome> outcomes) {
        return offLoop(blocking, () -> save(model, outcomes));
    }

    /** Restores the newest file of each slot the freshly started upstream has. */
    public static Future<Void> restoreAll(ModelConfig model, Executor blocking, Consumer<SlotOutcome> outcomes) {
        return offLoop(blocking, () -> restore(model, outcomes));
    }

    /** Deletes the files of a model that was removed from the configuration. */
    public static void deleteFiles(ModelConfig model, Executor blocking) {
        if (model.slots() != null) {
            blocking.execute(() -> new SlotFiles(model.id(), model.slots()).deleteAll());
        }
    }

    private static Future<Void> offLoop(Executor blocking, Runnable work) {
        Promise<Void> done = Promise.promise();
        blocking.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warnf(e, "slot save or restore failed unexpectedly");
            }
            done.complete();
        });
        return done.future();
    }

    private static void save(ModelConfig model, Consumer<SlotOutcome> outcomes) {
        SlotsConfig config = model.slots();
        SlotFiles files = new SlotFiles(model.id(), config);
        List<Integer> cached;
        try {
            cached = slotsHoldingACache(model);
        } catch (IOException e) {
            LOG.warnf("model %s: slots not saved: GET /slots failed (%s). Is it a llama-server started with"
                    + " --slot-save-path %s?", model.id(), e.getMessage(), config.path());
            return;
        }
        long stamp = System.currentTimeMillis();
        for (int slot : cached) {
            String filename = files.filename(slot, stamp);
            long began = System.nanoTime();
            try {
                JsonObject answer = post(model, slot, "save", filename);
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                LOG.infof("model %s: saved slot %d (%s tokens) to %s in %d ms", model.id(), slot,
                        answer.getValue("n_saved", "?"), filename, took.toMillis());
                outcomes.accept(new SlotOutcome(false, slot, true, took, filename));
            } catch (IOException e) {
                LOG.warnf("model %s: saving slot %d failed: %s", model.id(), slot, e.getMessage());
                outcomes.accept(new SlotOutcome(false, slot, false, Duration.ofNanos(System.nanoTime() - began),
                        e.getMessage()));
            }
        }
        files.prune();
    }

    private static void restore(ModelConfig model, Consumer<SlotOutcome> outcomes) {
        SlotFiles files = new SlotFiles(model.id(), model.slots());
        Map<Integer, SlotFiles.SlotFile> newest = files.newestPerSlot();
        if (newest.isEmpty()) {
            return;
        }
        List<Integer> present;
        try {
            present = slotIds(model);
        } catch (IOException e) {
            LOG.warnf("model %s: slots not restored: GET /slots failed (%s)", model.id(), e.getMessage());
            return;
        }
        for (SlotFiles.SlotFile file : newest.values()) {
            if (!present.contains(file.slot())) {
                continue; // it runs with fewer slots now (-np changed): that cache has no place
            }
            long began = System.nanoTime();
            try {
                JsonObject answer = post(model, file.slot(), "restore", file.filename());
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                LOG.infof("model %s: restored slot %d (%s tokens) from %s in %d ms", model.id(), file.slot(),
                        answer.getValue("n_restored", "?"), file.filename(), took.toMillis());
                outcomes.accept(new SlotOutcome(true, file.slot(), true, took, file.filename()));
            } catch (IOException e) {
                LOG.warnf("model %s: restoring slot %d from %s failed: %s; its prompts are processed again",
                        model.id(), file.slot(), file.filename(), e.getMessage());
                outcomes.accept(new SlotOutcome(true, file.slot(), false,
                        Duration.ofNanos(System.nanoTime() - began), e.getMessage()));
            }
        }
    }

    /**
     * The slots that served a task since the server started (llama-server lists {@code id_task} for them, and the
     * prompt it processed), which is what holds a cache worth saving.
     */
    static List<Integer> slotsHoldingACache(ModelConfig model) throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (Object entry : slots(model)) {
            if (entry instanceof JsonObject slot && slot.containsKey("id_task")
                    && !"".equals(slot.getValue("prompt", "x")) && slot.getValue("id") instanceof Number id) {
                ids.add(id.intValue());
            }
        }
        return ids;
    }

    private static List<Integer> slotIds(ModelConfig model) throws IOException {
        List<Integer> ids = new ArrayList<>();
        for (Object entry : slots(model)) {
            if (entry instanceof JsonObject slot && slot.getValue("id") instanceof Number id) {
                ids.add(id.intValue());
            }
        }
        return ids;
    }

    private static JsonArray slots(ModelConfig model) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(model, "/slots")).timeout(CALL_TIMEOUT)
                .GET().build());
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode() + " " + brief(response.body()));
        }
        try {
            return new JsonArray(response.body());
        } catch (DecodeException | ClassCastException e) {
            throw new IOException("not a JSON array of slots: " + brief(response.body()));
        }
    }

    private static JsonObject post(ModelConfig model, int slot, String action, String filename) throws IOException {
        String body = new JsonObject().put("filename", filename).encode();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(model, "/slots/" + slot + "?action=" + action))
                .timeout(CALL_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode() + " " + brief(response.body()));
        }
        try {
            return new JsonObject(response.body());
        } catch (DecodeException e) {
            return new JsonObject();
        }
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return ControlCalls.client().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static URI uri(ModelConfig model, String path) {
        String proxy = model.proxy().endsWith("/") ? model.proxy().substring(0, model.proxy().length() - 1)
                : model.proxy();
        return URI.create(proxy + path);
    }

    private static String brief(String body) {
        String trimmed = body == null ? "" : body.strip();
        return trimmed.length() > 200 ? trimmed.substring(0, 200) + "..." : trimmed;
    }
}
