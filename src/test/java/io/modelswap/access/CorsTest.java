package io.modelswap.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** security.cors: preflights and responses for an allowed origin, another origin, and no origin at all. */
@QuarkusTest
@WithTestResource(CorsTestResource.class)
class CorsTest {

    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aPreflightFromAnAllowedOriginGetsTheConfiguredAnswer() {
        given().header("Origin", CorsTestResource.ALLOWED).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, x-stainless-os")
                .options("/v1/chat/completions").then().statusCode(204)
                .header("Access-Control-Allow-Origin", CorsTestResource.ALLOWED)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", "GET, POST")
                .header("Access-Control-Allow-Headers", "Content-Type, Authorization")
                .header("Access-Control-Max-Age", "600")
                .header("Vary", containsString("Origin"));
    }

    @Test
    void aPreflightFromAnotherOriginIsRefused() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/v1/chat/completions").then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue())
                .body("error.code", equalTo("origin_not_allowed"));
    }

    @Test
    void aResponseCarriesOurCorsHeadersForAnAllowedOriginAndNeverTheUpstreams() {
        Response allowed = given().header("Origin", CorsTestResource.ALLOWED).contentType("application/json")
                .body(CHAT).post("/v1/chat/completions");
        allowed.then().statusCode(200).body("choices[0].message.content", containsString("alpha answered"))
                .header("Access-Control-Allow-Origin", CorsTestResource.ALLOWED)
                .header("Access-Control-Expose-Headers", "X-Request-Id")
                .header("Vary", containsString("Origin"));
        assertEquals(1, allowed.headers().getValues("Access-Control-Allow-Origin").size());

        // the upstream's own "*" never reaches another origin's page, nor a client that sent no Origin
        given().header("Origin", "https://evil.example").contentType("application/json").body(CHAT)
                .post("/v1/chat/completions").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        given().contentType("application/json").body(CHAT).post("/v1/chat/completions").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Vary", containsString("Origin"));
        given().get("/upstream/alpha/health").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void anOptionsRequestWithoutAnOriginIsStillAnswered() {
        given().options("/v1/models").then().statusCode(204).header("Access-Control-Allow-Origin", nullValue());
    }
}
