package io.modelswap.it;

import static io.modelswap.it.Calls.chatAsync;
import static io.modelswap.it.Calls.pidOf;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.modelswap.it.Calls.HeldStream;
import io.modelswap.router.Router;
import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Startup preload and the starvation bound, on a configuration of their own. */
@QuarkusTest
@WithTestResource(TunedRouterTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunedRouterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final TestConfig MODELS = TunedRouterTestResource.MODELS;

    @Inject
    Router router;

    private int queued() throws Exception {
        return router.snapshot().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).totalQueued();
    }

    @Test
    @Order(1)
    void aPreloadedModelBecomesReadyWithoutAnyRequest() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/running").then()
                .body("running.model", equalTo(List.of("early")))
                .body("running[0].state", equalTo("ready")));
    }

    @Test
    @Order(2)
    void aStarvedRequestStopsTheResidentModelsFastPath() throws Exception {
        given().get("/unload").then().statusCode(200);
        HeldStream heldA = HeldStream.open("a", MODELS.port("a"));
        long firstA = FakeUpstream.pidsOf(MODELS.port("a")).get(0);
        List<String> finished = Collections.synchronizedList(new ArrayList<>());

        CompletableFuture<HttpResponse<String>> b = chatAsync("b").whenComplete((r, e) -> finished.add("b"));
        await().atMost(PATIENCE).until(() -> queued() == 1);
        // b is starved (it queued more than 1 ms ago): a new request for the resident a queues behind it instead of
        // taking the fast path that would keep b waiting for ever under steady traffic
        CompletableFuture<HttpResponse<String>> a = chatAsync("a").whenComplete((r, e) -> finished.add("a"));
        await().atMost(PATIENCE).until(() -> queued() == 2);

        assertEquals("data: [DONE]", heldA.releaseAndFinish());
        pidOf(Calls.join(b));
        assertNotEquals(firstA, pidOf(Calls.join(a)), "a was stopped for b, then started again");
        assertEquals(List.of("b", "a"), finished);
    }
}
