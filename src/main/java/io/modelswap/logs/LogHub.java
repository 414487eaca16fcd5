package io.modelswap.logs;

import io.modelswap.process.LogRing;
import io.modelswap.process.ProcessView;
import io.modelswap.process.StateChange;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.LocalTime;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The log histories behind {@code /logs} and {@code /api/events}: modelswap's own log lines (the {@code proxy} ring,
 * fed by a log handler on {@code io.modelswap}), every upstream's output prefixed with its model (the
 * {@code upstream} ring, fed from each process's {@link LogRing}), and both together (the combined ring). Each is
 * bounded like a process's ring ({@link LogRing#DEFAULT_MAX_BYTES}).
 */
@ApplicationScoped
public class LogHub {

    /** Logger of the upstreams' output (see ProcessView): it goes to the upstream ring, not the proxy one. */
    private static final String UPSTREAM_LOGGERS = "io.modelswap.upstream";

    private final Router router;
    private final Vertx vertx;
    private final LogRing proxy = new LogRing();
    private final LogRing upstream = new LogRing();
    private final LogRing combined = new LogRing();
    /** Process rings already followed (a reload replaces process owners, and with them their rings). */
    private final Set<LogRing> followed = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final Handler handler = new RingHandler();

    public LogHub(Router router, Vertx vertx) {
        this.router = router;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        java.util.logging.Logger.getLogger("io.modelswap").addHandler(handler);
        vertx.eventBus().<StateChange>localConsumer(StateChange.ADDRESS, message -> followProcesses());
        followProcesses();
    }

    void stop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        java.util.logging.Logger.getLogger("io.modelswap").removeHandler(handler);
    }

    public LogRing proxy() {
        return proxy;
    }

    public LogRing upstream() {
        return upstream;
    }

    public LogRing combined() {
        return combined;
    }

    /** Follows the output of every process owner not yet followed; a new one appears with a reload. */
    void followProcesses() {
        RouterView view = router.view();
        if (view == null) {
            return;
        }
        for (ProcessView process : view.processes().values()) {
            LogRing ring = process.logs();
            if (followed.add(ring)) {
                String prefix = "[" + process.config().id() + "] ";
                ring.subscribe(line -> {
                    String prefixed = prefix + line;
                    upstream.append(prefixed);
                    combined.append(prefixed);
                });
            }
        }
    }

    private void appendProxy(String line) {
        proxy.append(line);
        combined.append(line);
    }

    /** Copies modelswap's own log records into the proxy ring. */
    private static StringBuilder twoDigits(StringBuilder line, int value) {
        return line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private final class RingHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
            if (record.getLoggerName() != null && record.getLoggerName().startsWith(UPSTREAM_LOGGERS)) {
                return;
            }
            String message = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                    : record.getMessage();
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            // one builder, the time written by hand: every proxied request logs a line through here
            LocalTime now = LocalTime.now();
            StringBuilder line = new StringBuilder(32 + logger.length() + (message == null ? 4 : message.length()));
            twoDigits(line, now.getHour()).append(':');
            twoDigits(line, now.getMinute()).append(':');
            twoDigits(line, now.getSecond()).append('.');
            int millis = now.getNano() / 1_000_000;
            line.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                    .append((char) ('0' + millis % 10));
            line.append(' ').append(record.getLevel()).append(" [")
                    .append(logger, logger.lastIndexOf('.') + 1, logger.length()).append("] ").append(message);
            appendProxy(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
