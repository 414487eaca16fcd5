package io.modelswap.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama-server's slots and prompt cache, as the demo upstream plays them: {@code --parallel N} slots (default 1), each
 * keeping the tokens of the last prompt it processed; a chat completion goes to the idle slot sharing the longest
 * prefix with its prompt (or to {@code id_slot}), and only the tokens past that prefix are processed
 * ({@code timings.prompt_n}; {@code timings.cache_n} were reused). A token is a word of the messages' contents.
 * {@code GET /slots} lists them; with {@code --slot-save-path DIR}, {@code POST /slots/{id}?action=save|restore|erase}
 * with {@code {"filename": ...}} writes, reads and clears a slot's cache, with llama-server's answers and errors.
 */
final class DemoSlots {

    private static final Pattern FILENAME = Pattern.compile("\"filename\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"");
    private static final Pattern ID_SLOT = Pattern.compile("\"id_slot\"\\s*:\\s*(-?\\d+)");
    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"");
    private static final int N_CTX = 4096;

    private final Path savePath;
    private final Slot[] slots;
    private int lastTask;

    private static final class Slot {
        final int id;
        List<String> tokens = List.of();
        int idTask = -1;
        int decoded;
        long lastUsed;

        Slot(int id) {
            this.id = id;
        }
    }

    DemoSlots(Path savePath, int parallel) {
        this.savePath = savePath;
        this.slots = new Slot[Math.max(1, parallel)];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
    }

    /** What one completion cost: prompt tokens in all, and those processed (the rest came from the cache). */
    record PromptUse(int total, int processed) {
        int cached() {
            return total - processed;
        }
    }

    /** Runs the prompt of {@code request} through a slot: what it reused and what it processed. */
    synchronized PromptUse process(String request, int generated) {
        List<String> prompt = tokens(request);
        Matcher asked = ID_SLOT.matcher(request);
        Slot slot = null;
        if (asked.find()) {
            int id = Integer.parseInt(asked.group(1));
            if (id >= 0 && id < slots.length) {
                slot = slots[id];
            }
        }
        if (slot == null) {
            for (Slot candidate : slots) {
                if (slot == null || common(candidate.tokens, prompt) > common(slot.tokens, prompt)
                        || (common(candidate.tokens, prompt) == common(slot.tokens, prompt)
                                && candidate.lastUsed < slot.lastUsed)) {
                    slot = candidate;
                }
            }
        }
        int reused = common(slot.tokens, prompt);
        if (reused == prompt.size() && reused > 0) {
            reused--; // llama-server always evaluates at least the last prompt token again
        }
        slot.tokens = List.copyOf(prompt);
        slot.idTask = ++lastTask;
        slot.decoded = generated;
        slot.lastUsed = System.nanoTime();
        return new PromptUse(prompt.size(), prompt.size() - reused);
    }

    /** {@code GET /slots}: each slot as llama-server lists it ({@code id_task}, {@code prompt} once it served one). */
    synchronized String list() {
        StringBuilder json = new StringBuilder("[");
        for (Slot slot : slots) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"id\":").append(slot.id).append(",\"n_ctx\":").append(N_CTX)
                    .append(",\"speculative\":false,\"is_processing\":false");
            if (slot.idTask >= 0) {
                json.append(",\"id_task\":").append(slot.idTask)
                        .append(",\"params\":{\"n_predict\":-1,\"temperature\":0.8,\"cache_prompt\":true}")
                        .append(",\"next_token\":[{\"has_next_token\":false,\"has_new_line\":false,\"n_remain\":-1,")
                        .append("\"n_decoded\":").append(slot.decoded).append("}]")
                        .append(",\"prompt\":").append(DemoJson.str(String.join(" ", slot.tokens)))
                        .append(",\"generated\":\"\"");
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    /** {@code POST /slots/{id}?action=...}: status and body, as llama-server answers. */
    synchronized DemoSleepMode.Answer action(String idText, String action, String body) {
        if (savePath == null) {
            return error(501, "This server does not support slots action. Start it with `--slot-save-path`",
                    "not_supported_error");
        }
        int id;
        try {
            id = Integer.parseInt(idText);
        } catch (NumberFormatException e) {
            return error(400, "Invalid slot ID", "invalid_request_error");
        }
        if (!List.of("save", "restore", "erase").contains(action)) {
            return error(400, "Invalid action", "invalid_request_error");
        }
        if (id < 0 || id >= slots.length) {
            return error(400, "Invalid slot ID", "invalid_request_error");
        }
        Slot slot = slots[id];
        if (action.equals("erase")) {
            int erased = slot.tokens.size();
            slot.tokens = List.of();
            return new DemoSleepMode.Answer(200, "{\"id_slot\":" + id + ",\"n_erased\":" + erased + "}");
        }
        Matcher name = FILENAME.matcher(body);
        String filename = name.find() ? name.group(1) : null;
        if (filename == null || !validFilename(filename)) {
            return error(400, "Invalid filename", "invalid_request_error");
        }
        Path file = savePath.resolve(filename);
        long began = System.nanoTime();
        try {
            if (action.equals("save")) {
                byte[] bytes = String.join(" ", slot.tokens).getBytes(StandardCharsets.UTF_8);
                Files.write(file, bytes);
                return new DemoSleepMode.Answer(200, "{\"id_slot\":" + id + ",\"filename\":"
                        + DemoJson.str(filename) + ",\"n_saved\":" + slot.tokens.size() + ",\"n_written\":"
                        + bytes.length + ",\"timings\":{\"save_ms\":" + millis(began) + "}}");
            }
            if (!Files.isRegularFile(file)) {
                return error(400, "Unable to restore slot, no available space in KV cache or invalid slot save"
                        + " file", "invalid_request_error");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.UTF_8);
            slot.tokens = text.isBlank() ? List.of() : List.of(text.split(" "));
            return new DemoSleepMode.Answer(200, "{\"id_slot\":" + id + ",\"filename\":" + DemoJson.str(filename)
                    + ",\"n_restored\":" + slot.tokens.size() + ",\"n_read\":" + bytes.length
                    + ",\"timings\":{\"restore_ms\":" + millis(began) + "}}");
        } catch (IOException e) {
            return error(500, "failed to " + action + " slot: " + e.getMessage(), "server_error");
        }
    }

    /** The words of every message content in {@code request}: the prompt's tokens. */
    static List<String> tokens(String request) {
        List<String> tokens = new ArrayList<>();
        Matcher m = CONTENT.matcher(request);
        while (m.find()) {
            String content = m.group(1).replace("\\n", " ").replace("\\\"", "\"").strip();
            if (!content.isEmpty()) {
                tokens.addAll(Arrays.asList(content.split("\\s+")));
            }
        }
        return tokens;
    }

    private static int common(List<String> a, List<String> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
            n++;
        }
        return n;
    }

    /** llama.cpp's {@code fs_validate_filename} in short: a plain name, no directories, no dots-only names. */
    private static boolean validFilename(String name) {
        return !name.isEmpty() && name.length() <= 255 && !name.contains("/") && !name.contains("\\")
                && !name.equals(".") && !name.equals("..") && name.chars().noneMatch(c -> c < 0x20);
    }

    private static String millis(long beganNanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - beganNanos) / 1e6);
    }

    private static DemoSleepMode.Answer error(int status, String message, String type) {
        return new DemoSleepMode.Answer(status, "{\"error\":{\"code\":" + status + ",\"message\":"
                + DemoJson.str(message) + ",\"type\":" + DemoJson.str(type) + "}}");
    }
}
