package io.modelswap.http;

import io.modelswap.settings.ModelswapSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The memory all buffered request bodies may hold together ({@code modelswap.proxy.body-memory-budget}). Bytes are
 * taken as they arrive and given back when their exchange ends, so a body that is only announced (a large
 * {@code Content-Length} and nothing sent) holds nothing, and many bodies at once cannot exhaust the heap: once the
 * budget is spent, further bodies are refused with a 503 until exchanges finish.
 */
@ApplicationScoped
public class BodyBudget {

    private static final Logger LOG = Logger.getLogger(BodyBudget.class);
    /** Used when the JVM reports no heap limit. */
    private static final long FALLBACK_BYTES = 1L << 30;

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    @Inject
    public BodyBudget(ModelswapSettings settings) {
        this(settings.proxy().bodyMemoryBudget().map(size -> size.asLongValue())
                .orElseGet(() -> defaultBudget(settings.proxy().maxBodySize().asLongValue())));
    }

    /** A budget of {@code limit} bytes (the bean takes it from the settings). */
    public BodyBudget(long limit) {
        this.limit = limit;
        LOG.debugf("request bodies may hold %d bytes together", limit);
    }

    /** Half the maximum heap, and never less than one body of the largest size. */
    static long defaultBudget(long maxBodySize) {
        long heap = Runtime.getRuntime().maxMemory();
        long half = heap == Long.MAX_VALUE ? FALLBACK_BYTES : heap / 2;
        return Math.max(maxBodySize, half);
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when that would spend more than it holds. */
    boolean tryTake(long bytes) {
        while (true) {
            long current = held.get();
            if (current + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Whether {@code bytes} more would still fit now (an advisory check before reading an announced body). */
    boolean fits(long bytes) {
        return held.get() + bytes <= limit;
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }

    public long limit() {
        return limit;
    }

    public long held() {
        return held.get();
    }

    BadRequestException spent() {
        return new BadRequestException(503, "server_busy", "modelswap is holding " + limit + " bytes of request"
                + " bodies already (modelswap.proxy.body-memory-budget); retry shortly").closingConnection();
    }
}
