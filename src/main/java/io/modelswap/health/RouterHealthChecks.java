package io.modelswap.health;

import io.modelswap.router.Router;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Probes for orchestrators: {@code /q/health/live} is up while the router's run loop answers a no-op message within
 * {@link #LOOP_TIMEOUT}; {@code /q/health/ready} is up once a configuration is loaded. Both stay open when
 * {@code apiKeys} are set.
 */
public final class RouterHealthChecks {

    /** A loop that takes longer than this to handle a no-op is stuck (it never blocks by design). */
    static final Duration LOOP_TIMEOUT = Duration.ofSeconds(1);

    private RouterHealthChecks() {
    }

    @Liveness
    @ApplicationScoped
    public static class RunLoopAnswers implements AsyncHealthCheck {
        private final Router router;

        public RunLoopAnswers(Router router) {
            this.router = router;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            if (router.view() == null) {
                // not started yet: nothing is stuck
                return Uni.createFrom().item(HealthCheckResponse.up("router-loop"));
            }
            return Uni.createFrom().completionStage(() -> router.ping().toCompletionStage())
                    .ifNoItem().after(LOOP_TIMEOUT).fail()
                    .map(v -> HealthCheckResponse.up("router-loop"))
                    .onFailure().recoverWithItem(e -> HealthCheckResponse.named("router-loop").down()
                            .withData("error", "the router's run loop did not answer within "
                                    + LOOP_TIMEOUT.toMillis() + " ms").build());
        }
    }

    @Readiness
    @ApplicationScoped
    public static class ConfigurationLoaded implements AsyncHealthCheck {
        private final Router router;

        public ConfigurationLoaded(Router router) {
            this.router = router;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            boolean loaded = router.view() != null;
            return Uni.createFrom().item(HealthCheckResponse.named("configuration").status(loaded)
                    .withData("models", loaded ? router.view().config().models().size() : 0).build());
        }
    }
}
