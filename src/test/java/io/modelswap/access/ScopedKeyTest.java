package io.modelswap.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Scoped API keys: which models a key may use, whether it may manage, keys read from files. */
@QuarkusTest
@WithTestResource(ScopedKeyTestResource.class)
class ScopedKeyTest {

    private static RequestSpecification with(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void aScopedKeyUsesItsModelsAndGets403ForOthers() {
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("alpha"))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("alpha answered"));
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("beta"))
                .post("/v1/chat/completions").then().statusCode(403)
                .body("error.type", equalTo("permission_error"))
                .body("error.code", equalTo("model_not_allowed"))
                .body("error.message", equalTo("API key 'team' may not use model 'beta'"))
                .body("error.message", not(containsString(ScopedKeyTestResource.TEAM)));
        with(ScopedKeyTestResource.TEAM).get("/upstream/b/health").then().statusCode(403);
        with(ScopedKeyTestResource.TEAM).get("/upstream/alpha/health").then().statusCode(200);
        with(ScopedKeyTestResource.TEAM).get("/v1/models").then().statusCode(200);
    }

    @Test
    void aSelectorIsAllowedOnlyWhenEveryTargetIsInTheKeysScope() {
        // mixed pins alpha (allowed) but may send to beta: refused whatever it chooses today
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("mixed"))
                .post("/v1/chat/completions").then().statusCode(403)
                .body("error.code", equalTo("model_not_allowed"))
                .body("error.message", containsString("'beta'"));
        // a name inside the key's globs does not open its targets: alpine fails over to beta
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("alpine"))
                .post("/v1/chat/completions").then().statusCode(403)
                .body("error.code", equalTo("model_not_allowed"));
        // a selector through a peer outside the scope
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("far"))
                .post("/v1/chat/completions").then().statusCode(403)
                .body("error.message", containsString("'p1/remote'"));
        // selectors whose every target is in scope are allowed, though their own names are not in it
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("fallback"))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("alpha answered"));
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("warmish"))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("alpha answered"));
        // and the websocket side of a model route is checked the same way
        java.util.concurrent.CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class, () -> java.net.http.HttpClient.newHttpClient()
                        .newWebSocketBuilder().header("Authorization", "Bearer " + ScopedKeyTestResource.TEAM)
                        .buildAsync(java.net.URI.create("ws://localhost:" + io.restassured.RestAssured.port
                                + "/props?model=mixed"), new java.net.http.WebSocket.Listener() { }).join());
        org.junit.jupiter.api.Assertions.assertEquals(403,
                ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    }

    @Test
    void aPeersModelIsCheckedUnderItsFqnWhicheverWayItIsNamed() {
        for (String name : new String[] {"p1/remote", "remote"}) {
            with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat(name))
                    .post("/v1/chat/completions").then().statusCode(403)
                    .body("error.code", equalTo("model_not_allowed"));
            // remote's key may: it passes the check and meets the peer, which nobody serves here
            with(ScopedKeyTestResource.REMOTE).contentType("application/json").body(chat(name))
                    .post("/v1/chat/completions").then().statusCode(not(equalTo(403)))
                    .body("error.code", not(equalTo("model_not_allowed")));
        }
        with(ScopedKeyTestResource.TEAM).get("/upstream/p1/remote/health").then().statusCode(403);
        with(ScopedKeyTestResource.REMOTE).get("/upstream/alpha/health").then().statusCode(403);
        with(ScopedKeyTestResource.REMOTE).contentType("application/json").body(chat("a1"))
                .post("/v1/chat/completions").then().statusCode(403);
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("b"))
                .post("/v1/chat/completions").then().statusCode(403);
    }

    @Test
    void aKeyWithoutManagementGets403OnManagementEndpoints() {
        for (String path : new String[] {"/running", "/api/version", "/metrics", "/logs", "/api/events",
            "/api/metrics/activity", "/unload"}) {
            with(ScopedKeyTestResource.TEAM).get(path).then().statusCode(403)
                    .body("error.code", equalTo("permission_denied"));
        }
        with(ScopedKeyTestResource.TEAM).post("/api/models/load/alpha").then().statusCode(403);
        with(ScopedKeyTestResource.TEAM).post("/api/config/reload").then().statusCode(403);
        with(ScopedKeyTestResource.OPS).get("/running").then().statusCode(200);
        with(ScopedKeyTestResource.ADMIN).get("/running").then().statusCode(200);
    }

    @Test
    void aModelNamedByItsAliasIsAllowedByItsIdToo() {
        with(ScopedKeyTestResource.OPS).contentType("application/json").body(chat("beta"))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("beta answered"));
        with(ScopedKeyTestResource.OPS).contentType("application/json").body(chat("alpha"))
                .post("/v1/chat/completions").then().statusCode(403);
    }

    @Test
    void unknownKeysGet401AndKeysNeverReachTheLogs() {
        given().get("/v1/models").then().statusCode(401);
        with("sk-nobody").get("/v1/models").then().statusCode(401);
        with(ScopedKeyTestResource.TEAM).contentType("application/json").body(chat("beta"))
                .post("/v1/chat/completions").then().statusCode(403);
        with(ScopedKeyTestResource.ADMIN).get("/logs").then().statusCode(200)
                .body(not(containsString(ScopedKeyTestResource.TEAM)))
                .body(not(containsString(ScopedKeyTestResource.OPS)));
        with(ScopedKeyTestResource.ADMIN).get("/api/ui/config-file").then().statusCode(200)
                .body(not(containsString(ScopedKeyTestResource.TEAM)));
    }

    @Test
    void aKeyFileIsReadAgainOnReload() throws Exception {
        try {
            Files.writeString(ScopedKeyTestResource.KEY_FILE, ScopedKeyTestResource.OPS_ROTATED + "\n");
            with(ScopedKeyTestResource.ADMIN).post("/api/config/reload").then().statusCode(200)
                    .body("ok", equalTo(true));
            with(ScopedKeyTestResource.OPS).get("/running").then().statusCode(401);
            with(ScopedKeyTestResource.OPS_ROTATED).get("/running").then().statusCode(200);
        } finally {
            Files.writeString(ScopedKeyTestResource.KEY_FILE, ScopedKeyTestResource.OPS + "\n");
            with(ScopedKeyTestResource.ADMIN).post("/api/config/reload").then().statusCode(200);
        }
    }
}
