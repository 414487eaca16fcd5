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
    void theUiPagesLoadWithoutAKeyButItsDataNeedsOne() {
        given().redirects().follow(false).get("/").then().statusCode(302).header("Location", "/ui/");
        given().redirects().follow(false).get("/ui").then().statusCode(301).header("Location", "/ui/");
        given().redirects().follow(false).head("/").then().statusCode(302).header("Location", "/ui/");
        // a browser sent to the UI by llama-swap's redirects lands on the page that asks for the key
        given().redirects().follow(false).get("/upstream").then().statusCode(302).header("Location", "/ui/#/models");
        given().redirects().follow(false).accept("text/html").get("/logs").then().statusCode(302)
                .header("Location", "/ui/#/logs");
        given().get("/logs").then().statusCode(401);
        given().get("/ui/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("modelswap"), not(containsString("alpha")));
        given().get("/ui/js/app.js").then().statusCode(200);
        for (String path : new String[] {"/api/ui/models", "/api/ui/config-file", "/api/config/reload", "/api/events"}) {
            given().get(path).then().statusCode(401);
        }
        bearer().get("/api/ui/models").then().statusCode(200).body("models[0].id", equalTo("alpha"));
        bearer().get("/api/ui/config-file").then().statusCode(200)
                .body("files[0].lines[1]", equalTo("apiKeys: [••••••]"))
                .body(not(containsString(AuthTestResource.KEY)));
    }

    @Test
    void aPathThatOnlyLooksLikeTheUiIsNotOpen() {
        // decided on the normalised path: these would be routed outside /ui/
        org.junit.jupiter.api.Assertions.assertEquals("HTTP/1.1 401 Unauthorized", rawGetStatus("/ui/../api/ui/models"));
        org.junit.jupiter.api.Assertions.assertEquals("HTTP/1.1 401 Unauthorized", rawGetStatus("/ui/%2e%2e/running"));
        org.junit.jupiter.api.Assertions.assertEquals("HTTP/1.1 401 Unauthorized", rawGetStatus("/ui//../running"));
        given().post("/ui/").then().statusCode(401);
    }

    /** The status line of a GET sent byte for byte (HTTP clients would normalise the path first). */
    private static String rawGetStatus(String path) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
        given().header("Origin", "http://ui.example").get("/v1/models").then().statusCode(401)
                .header("Access-Control-Allow-Origin", "*");
    }
}
