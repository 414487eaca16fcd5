package io.modelswap.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import io.modelswap.metrics.ActivityLog;
import io.modelswap.metrics.LiveRequest;
import io.modelswap.metrics.RequestObserver;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the request and response of each proxied {@code POST} while {@code captureBuffer} is above 0, into the
 * {@link CaptureBuffer} under the request's activity id (llama-swap's {@code /api/captures/<id>}). Credentials are
 * never kept (the headers are redacted, see {@link LiveRequest#requestHeaders()}). A failed request keeps its request
 * only, as in llama-swap; routes whose bodies are audio or images keep only the text side.
 *
 * <p>Memory: the body copies of the requests still running share one budget of {@code captureBuffer} bytes; a request
 * whose copy would exceed it is simply not captured. So captures hold at most twice {@code captureBuffer}: the stored
 * ones and the ones being taken.
 */
@ApplicationScoped
public class CaptureRecorder implements RequestObserver {

    private static final long MB = 1024L * 1024;

    /** llama-swap's per-route masks: which parts a route keeps (bodies of audio and images are not worth it). */
    private static final Map<String, Parts> PARTS = Map.of(
            "/v1/audio/speech", new Parts(true, false),
            "/v1/audio/voices", new Parts(false, true),
            "/v1/audio/transcriptions", new Parts(false, true),
            "/v1/images/generations", new Parts(true, false),
            "/v1/images/edits", new Parts(false, false),
            "/sdapi/v1/txt2img", new Parts(true, false),
            "/sdapi/v1/img2img", new Parts(false, false));

    private record Parts(boolean requestBody, boolean responseBody) {
        static final Parts ALL = new Parts(true, true);
    }

    private final Router router;
    private final CaptureBuffer buffer;
    private final Budget budget = new Budget();

    public CaptureRecorder(Router router, CaptureBuffer buffer) {
        this.router = router;
        this.buffer = buffer;
    }

    /** The bytes of body copies under way, bounded by the capture buffer's size. */
    private final class Budget implements LiveRequest.CopyBudget {
        private final AtomicLong taken = new AtomicLong();

        @Override
        public boolean take(long bytes) {
            long limit = limit();
            long now = taken.addAndGet(bytes);
            if (now > limit) {
                taken.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        @Override
        public void give(long bytes) {
            taken.addAndGet(-bytes);
        }
    }

    /** The capture buffer's size in force, in bytes; 0 when captures are off. */
    long limit() {
        RouterView view = router.view();
        return view == null ? 0 : Math.max(0, view.config().captureBufferMb()) * MB;
    }

    @Override
    public void begun(LiveRequest request) {
        if (request.method().equals("POST") && limit() > 0) {
            request.copyBodies(budget);
        }
    }

    @Override
    public void ended(LiveRequest request, ActivityLog.Entry row) {
        long limit = limit();
        if (limit <= 0 || !request.method().equals("POST") || !request.copiesComplete()) {
            return; // off, not a capturable request, or too big to keep: no capture rather than a partial one
        }
        Parts parts = PARTS.getOrDefault(request.path(), Parts.ALL);
        boolean ok = row.status() >= 200 && row.status() < 300;
        Buffer requestBody = parts.requestBody() ? request.requestBody() : null;
        Buffer responseBody = parts.responseBody() && ok ? request.responseBody() : null;
        // {"id","req_path","req_headers","req_body","resp_headers","resp_body"}, bodies in base64 (llama-swap's shape)
        CaptureBuffer.Packed packed = CaptureBuffer.pack(json -> {
            json.writeStartObject();
            json.writeNumberField("id", row.id());
            json.writeStringField("req_path", request.path());
            headers(json, "req_headers", request.requestHeaders());
            body(json, "req_body", requestBody);
            headers(json, "resp_headers", request.responseHeaders());
            body(json, "resp_body", responseBody);
            json.writeEndObject();
        });
        buffer.addPacked(row.id(), packed, limit);
    }

    private static void headers(JsonGenerator json, String field, Map<String, String> headers) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            json.writeStringField(header.getKey(), header.getValue());
        }
        json.writeEndObject();
    }

    /** The body in base64, written from where its bytes lie; null when there is none. */
    private static void body(JsonGenerator json, String field, Buffer body) throws IOException {
        json.writeFieldName(field);
        if (body == null) {
            json.writeNull();
            return;
        }
        ByteBuf bytes = body.getByteBuf();
        if (bytes.hasArray()) {
            json.writeBinary(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        } else {
            json.writeBinary(body.getBytes());
        }
    }
}
