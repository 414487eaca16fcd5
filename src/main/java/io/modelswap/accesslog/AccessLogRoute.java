package io.modelswap.accesslog;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Logs every request as llama-swap's request-log middleware does (it wraps every route: the API, management and UI
 * requests too), except the paths polled so often that they would drown the rest ({@link #SKIPPED}: llama-swap's
 * list and the web UI's polls). A request that reached a model is logged by the request tracker instead, which knows what the client saw
 * ({@link Arrival#served}); this route logs the others when their response ends or their connection closes.
 */
@ApplicationScoped
public class AccessLogRoute {

    /** Before every other route (the connection cap and the key check included): their refusals are logged too. */
    static final int ORDER = -3500;
    /**
     * llama-swap's {@code requestLogPathSkips}, and for the same reason (polled so often they would drown the rest)
     * the paths modelswap's web UI polls: hardware figures every 5 s, its model board every 10 s.
     */
    static final String[] SKIPPED = {"/wol-health", "/api/performance", "/metrics", "/api/hardware",
        "/api/ui/models"};
    /** Polled with GET (the config page reads the reload status every 3 s); a POST there is an action, logged. */
    static final String POLLED_STATUS = "/api/config/reload";

    void register(@Observes Router web) {
        web.route().order(ORDER).handler(this::arrived);
    }

    private void arrived(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String path = request.path();
        if (!AccessLog.enabled() || path == null || skipped(path)
                || request.method() == HttpMethod.GET && path.equals(POLLED_STATUS)) {
            rc.next();
            return;
        }
        Arrival arrival = new Arrival(path, System.nanoTime());
        rc.put(Arrival.KEY, arrival);
        rc.addEndHandler(ended -> {
            if (!arrival.served) {
                HttpServerResponse response = rc.response();
                // a response that never ended: the client hung up first (nginx's and llama-swap's 499)
                int status = response.ended() ? response.getStatusCode() : Arrival.CLIENT_CLOSED;
                AccessLog.write(request, path, null, status, response.bytesWritten(), arrival.elapsedNanos());
            }
        });
        rc.next();
    }

    static boolean skipped(String path) {
        for (String prefix : SKIPPED) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
