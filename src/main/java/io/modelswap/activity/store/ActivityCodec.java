package io.modelswap.activity.store;

import io.modelswap.metrics.ActivityLog;
import io.modelswap.metrics.Tokens;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One activity row as one line of JSON, and back; written by hand so the native image needs no reflection. */
final class ActivityCodec {

    private ActivityCodec() {
    }

    static String encode(ActivityLog.Entry e) {
        Tokens t = e.tokens();
        return new JsonObject()
                .put("id", e.id())
                .put("ts", e.timestamp().toString())
                .put("model", e.model())
                .put("path", e.path())
                .put("type", e.contentType())
                .put("status", e.status())
                .put("ms", e.durationMs())
                .put("in", t.input()).put("out", t.output()).put("cache", t.cache())
                .put("draft", t.draft()).put("draft_acc", t.draftAccepted())
                .put("pps", t.promptPerSecond()).put("tps", t.tokensPerSecond())
                .put("error", e.error())
                .put("served_by", e.servedBy())
                .put("requested", e.requested())
                .put("ws_in", e.websocket() == null ? null : e.websocket().fromClient())
                .put("ws_out", e.websocket() == null ? null : e.websocket().toClient())
                .encode();
    }

    /** The row of a line, or null for a line that is not one (torn by a crash, or not ours). */
    static ActivityLog.Entry decode(String line) {
        try {
            JsonObject o = new JsonObject(line);
            Tokens tokens = new Tokens(o.getLong("in", 0L), o.getLong("out", 0L), o.getLong("cache", 0L),
                    o.getLong("draft", -1L), o.getLong("draft_acc", -1L), o.getDouble("pps", -1.0),
                    o.getDouble("tps", -1.0));
            return new ActivityLog.Entry(o.getLong("id"), Instant.parse(o.getString("ts")), o.getString("model"),
                    o.getString("path", ""), o.getString("type", ""), o.getInteger("status", 0), o.getLong("ms", 0L),
                    tokens, o.getString("error"), o.getString("served_by"), o.getString("requested"),
                    o.getLong("ws_in") == null ? null
                            : new ActivityLog.WebSocketBytes(o.getLong("ws_in"), o.getLong("ws_out", 0L)));
        } catch (DecodeException | ClassCastException | NullPointerException | DateTimeParseException e) {
            return null;
        }
    }
}
