package io.modelswap.logs;

import io.modelswap.app.ConfigReloader;
import io.modelswap.config.SwapConfig;
import io.modelswap.router.Router;
import io.modelswap.router.RouterView;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;

/**
 * llama-swap's {@code logLevel}, {@code logToStdout} and {@code logTimeFormat}, applied to the console at startup and
 * again after every configuration load that was applied (llama-swap needs a restart for {@code logToStdout}; here
 * all three apply live). {@code logLevel} is the level of modelswap's own loggers ({@code io.modelswap}: the console
 * and the proxy history of {@code GET /logs}); {@code logToStdout} says which lines reach the console: modelswap's
 * ({@code proxy}, the default), the upstreams' output ({@code upstream}, logged under
 * {@code io.modelswap.upstream.<model>}), {@code both} or {@code none}; the histories keep everything.
 * {@code logTimeFormat} replaces the date of the console format.
 */
@ApplicationScoped
public class LogSettings {

    static final String PROXY = "io.modelswap";
    static final String UPSTREAM = "io.modelswap.upstream";
    private static final Pattern DATE = Pattern.compile("%d(\\{[^}]*})?");

    /** Go's layout names (llama-swap's values) as date patterns. */
    static final Map<String, String> TIME_FORMATS = Map.ofEntries(
            Map.entry("ansic", "EEE MMM d HH:mm:ss yyyy"),
            Map.entry("unixdate", "EEE MMM d HH:mm:ss zzz yyyy"),
            Map.entry("rubydate", "EEE MMM dd HH:mm:ss Z yyyy"),
            Map.entry("rfc822", "dd MMM yy HH:mm zzz"),
            Map.entry("rfc822z", "dd MMM yy HH:mm Z"),
            Map.entry("rfc850", "EEEE, dd-MMM-yy HH:mm:ss zzz"),
            Map.entry("rfc1123", "EEE, dd MMM yyyy HH:mm:ss zzz"),
            Map.entry("rfc1123z", "EEE, dd MMM yyyy HH:mm:ss Z"),
            Map.entry("rfc3339", "yyyy-MM-dd'T'HH:mm:ssXXX"),
            Map.entry("rfc3339nano", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX"),
            Map.entry("kitchen", "h:mma"),
            Map.entry("stamp", "MMM d HH:mm:ss"),
            Map.entry("stampmilli", "MMM d HH:mm:ss.SSS"),
            Map.entry("stampmicro", "MMM d HH:mm:ss.SSSSSS"),
            Map.entry("stampnano", "MMM d HH:mm:ss.SSSSSSSSS"));

    private final Vertx vertx;
    private final Router router;
    /** The console format as Quarkus configured it, whose date an empty {@code logTimeFormat} keeps. */
    private final Map<PatternFormatter, String> configured = new java.util.HashMap<>();
    private final java.util.Set<Handler> filtered = new java.util.HashSet<>();

    public LogSettings(Vertx vertx, Router router) {
        this.vertx = vertx;
        this.router = router;
    }

    void start(@Observes StartupEvent event) {
        // only a load that took effect changes what to apply; a refused start's status arrives while the application
        // shuts down, when the router can no longer be asked
        vertx.eventBus().<ConfigReloader.ReloadStatus>localConsumer(ConfigReloader.STATUS_ADDRESS, message -> {
            if (message.body().ok()) {
                apply();
            }
        });
        apply();
    }

    private synchronized void apply() {
        RouterView view = router.view();
        if (view == null) {
            return;
        }
        SwapConfig config = view.config();
        LogContext context = LogContext.getLogContext();
        boolean proxy = config.logToStdout().equals("proxy") || config.logToStdout().equals("both");
        boolean upstream = config.logToStdout().equals("upstream") || config.logToStdout().equals("both");
        // the level applies to the proxy log history (GET /logs) too, as in llama-swap; logToStdout only to the console
        context.getLogger(PROXY).setLevel(levelOf(config.logLevel()));
        hideProxy = !proxy;
        // upstream lines are logged at DEBUG and only for the console (their history is kept apart)
        context.getLogger(UPSTREAM).setLevel(upstream ? Level.ALL : Level.OFF);
        for (Handler handler : context.getLogger("").getHandlers()) {
            console(handler, config.logTimeFormat());
        }
    }

    /** Whether modelswap's own lines stay off the console ({@code logToStdout: upstream} or {@code none}). */
    private volatile boolean hideProxy;

    private boolean shown(LogRecord record) {
        String logger = record.getLoggerName();
        return !hideProxy || logger == null || !logger.startsWith(PROXY) || logger.startsWith(UPSTREAM);
    }

    /** The console handlers: the date of their format, and the filter that hides modelswap's lines on request. */
    private void console(Handler handler, String format) {
        Formatter formatter = handler.getFormatter();
        if (formatter instanceof PatternFormatter pattern) {
            if (filtered.add(handler)) {
                Filter existing = handler.getFilter();
                handler.setFilter(record -> shown(record) && (existing == null || existing.isLoggable(record)));
            }
            String original = configured.computeIfAbsent(pattern, PatternFormatter::getPattern);
            String date = TIME_FORMATS.get(format);
            pattern.setPattern(date == null ? original
                    : DATE.matcher(original).replaceFirst(Matcher.quoteReplacement("%d{" + date + "}")));
        }
        if (handler instanceof ExtHandler nested) {
            for (Handler child : nested.getHandlers()) {
                console(child, format);
            }
        }
    }

    static Level levelOf(String logLevel) {
        return switch (logLevel) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }
}
