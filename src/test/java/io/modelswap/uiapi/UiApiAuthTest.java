package io.modelswap.uiapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.api.AuthTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The UI's endpoints behind {@code apiKeys}, and what they say when performance sampling is disabled. */
@QuarkusTest
@WithTestResource(AuthTestResource.class)
class UiApiAuthTest {

    private static RequestSpecification withKey() {
        return given().header("Authorization", "Bearer " + AuthTestResource.UI_KEY);
    }

    @Test
    void everyEndpointOfTheUiNeedsTheKey() {
        String[][] gets = {{"/api/inflight", "200"}, {"/api/captures/1", "404"}, {"/api/metrics/stats", "200"},
            {"/api/performance", "503"}, {"/api/hardware", "503"}, {"/api/swaps", "200"},
            {"/api/models/alpha/config", "200"}, {"/api/config/reload", "200"}};
        for (String[] get : gets) {
            given().redirects().follow(false).get(get[0]).then().statusCode(401);
            withKey().redirects().follow(false).get(get[0]).then().statusCode(Integer.parseInt(get[1]));
        }
        // /upstream only sends a browser to the UI, which asks for the key; it carries no data (AuthTest).
        given().redirects().follow(false).get("/upstream").then().statusCode(302);
        given().post("/api/inflight/1/cancel").then().statusCode(401);
        withKey().post("/api/inflight/1/cancel").then().statusCode(404);
        given().get("/api/events").then().statusCode(401);
    }

    @Test
    void disabledPerformanceAnswers503AndTheUiIsToldSo() throws Exception {
        withKey().get("/api/performance").then().statusCode(503).body("enabled", equalTo(false));
        withKey().get("/api/hardware").then().statusCode(503).body("enabled", equalTo(false));
        try (EventStream events = EventStream.open("Authorization", "Bearer " + AuthTestResource.UI_KEY)) {
            JsonObject ui = events.await("uiConfig", f -> true);
            assertFalse(ui.getJsonObject("performance").getBoolean("enabled"), ui.encode());
            assertTrue(ui.getJsonObject("auth").getBoolean("api_keys"), ui.encode());
            assertFalse(ui.encode().contains(AuthTestResource.UI_KEY), ui.encode());
        }
    }

    @Test
    void theEffectiveConfigurationHidesTheApiKeys() {
        String text = withKey().get("/api/models/alpha/config").then().statusCode(200).extract().asString();
        assertFalse(text.contains(AuthTestResource.UI_KEY), text);
        String cmd = new JsonObject(text).getJsonObject("config").getString("cmd");
        assertTrue(cmd.endsWith("--api-key ********"), cmd);
        assertEquals("alpha", new JsonObject(text).getString("id"));
    }
}
