package io.modelswap.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/** With {@code apiKeys} configured every route but the health checks needs a key, however it is presented. */
@QuarkusTest
@WithTestResource(AuthTestResource.class)
class AuthTest {

    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static RequestSpecification bearer() {
        return given().header("Authorization", "Bearer " + AuthTestResource.KEY);
    }

    @Test
    void aProxiedRouteNeedsAKey() {
        given().contentType("application/json").body(CHAT).post("/v1/chat/completions").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"modelswap\"")
                .body("error.type", equalTo("authentication_error"))
                .body("error.message", not(containsString(AuthTestResource.KEY)));
        bearer().contentType("application/json").body(CHAT).post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("alpha answered"));
    }

    @Test
    void aKeyIsTakenFromBearerBasicOrXApiKey() {
        given().header("Authorization", "Bearer " + AuthTestResource.OTHER_KEY).get("/v1/models").then().statusCode(200);
        given().auth().preemptive().basic("anyone", AuthTestResource.KEY).get("/v1/models").then().statusCode(200);
        given().header("x-api-key", AuthTestResource.KEY).get("/v1/models").then().statusCode(200);
        given().header("x-api-key", "wrong").get("/v1/models").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/v1/models").then().statusCode(401);
        given().auth().preemptive().basic("anyone", "wrong").get("/v1/models").then().statusCode(401);
        // the Authorization header is the one used when present
        given().header("Authorization", "Bearer wrong").header("x-api-key", AuthTestResource.KEY)
                .get("/v1/models").then().statusCode(401);
    }

    @Test
    void managementListingAndMetricsNeedAKey() {
        for (String path : new String[] {"/v1/models", "/models", "/running", "/api/version", "/metrics", "/logs",
            "/api/metrics/activity", "/api/ps"}) {
            given().get(path).then().statusCode(401);
            bearer().get(path).then().statusCode(200);
        }
        given().post("/api/models/unload").then().statusCode(401);
        bearer().post("/api/models/unload").then().statusCode(200);
        given().post("/api/models/load/alpha").then().statusCode(401);
    }

    @Test
    void healthChecksStayOpen() {
        given().get("/health").then().statusCode(200).body(equalTo("OK"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theUpstreamPassthroughNeedsAKeyAndReceivesItUnchanged() {
        given().get("/upstream/alpha/echo/x").then().statusCode(401);
        bearer().get("/upstream/alpha/echo/x").then().statusCode(200)
                .body(containsString("Bearer " + AuthTestResource.KEY));
    }

    @Test
    void preflightIsAnsweredWithoutAKey() {
        given().header("Origin", "http://ui.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "Content-Type, Authorization, bad header!")
                .options("/v1/chat/completions").then().statusCode(204)
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Allow-Headers", "Content-Type, Authorization")
                .header("Access-Control-Max-Age", "86400")
                .header("Access-Control-Allow-Methods", containsString("POST"));
        given().get("/v1/models").then().statusCode(401).header("Access-Control-Allow-Origin", "*");
    }
}
