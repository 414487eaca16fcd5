package io.modelswap.selector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelswap.failure.FailureCause;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Where failovers are told: one log line each and {@code modelswap_failovers_total{selector,from,to,cause}}. The
 * causes are the failure codes a client would have got ({@code upstream_start_failed}, {@code upstream_start_timeout},
 * {@code peer_proxy_error}) and {@code upstream_unreachable} / {@code upstream_no_response} for a connection that failed
 * before any byte of the answer.
 */
@ApplicationScoped
public class Failovers {

    private static final Logger LOG = Logger.getLogger(Failovers.class);

    /** A connection to the target could not be made (refused, timed out, no route). */
    static final String UNREACHABLE = "upstream_unreachable";
    /** The target took the request and lost the connection before any response header. */
    static final String NO_RESPONSE = "upstream_no_response";

    private final MeterRegistry registry;

    public Failovers(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The cause name of a lease failure that fails over; null for one that does not (429, unloaded, ...). */
    static String causeOf(FailureCause cause) {
        return switch (cause) {
            case START_FAILED, START_TIMEOUT, PEER_FAILED, UPSTREAM_FAILED -> cause.code();
            default -> null;
        };
    }

    void record(String selector, String from, String to, String cause, String detail, long backoffSeconds) {
        LOG.warnf("selector %s: %s failed before answering (%s: %s); failing over to %s; %s is skipped for %ds",
                selector, from, cause, detail, to, from, backoffSeconds);
        Counter.builder("modelswap.failovers").description("Requests a failover selector moved to its next target")
                .tag("selector", selector).tag("from", from).tag("to", to).tag("cause", cause)
                .register(registry).increment();
    }
}
