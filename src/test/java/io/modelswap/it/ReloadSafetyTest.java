package io.modelswap.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A careless edit must not replace a working configuration (issue 11, point 2): a file that lost its models or its
 * {@code apiKeys} is refused on reload, the models keep running and the API stays closed; the same edit written on
 * purpose ({@code models: {}}, {@code apiKeys: []}) is applied.
 */
@QuarkusTest
@WithTestResource(ReloadSafetyTestResource.class)
class ReloadSafetyTest {

    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static RequestSpecification withKey() {
        return given().header("Authorization", "Bearer " + ReloadSafetyTestResource.KEY);
    }

    private static void write(String yaml) throws IOException {
        ReloadConfig.writeAtomically(ReloadSafetyTestResource.MODELS.file(), yaml);
    }

    @BeforeEach
    void startFromTheFileWithKeys() throws IOException {
        write(ReloadSafetyTestResource.WITH_KEYS);
        withKey().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
    }

    private static long alphaPid() {
        return withKey().contentType("application/json").body(CHAT).post("/v1/chat/completions").then()
                .statusCode(200).extract().jsonPath().getLong("echo.pid");
    }

    @Test
    void aFileThatLostItsApiKeysIsRefusedAndTheApiStaysClosed() throws IOException {
        long pid = alphaPid();
        write(ReloadSafetyTestResource.MODELS.yaml());

        withKey().post("/api/config/reload").then().statusCode(200)
                .body("ok", equalTo(false))
                .body("errors", hasItem(startsWith(ReloadSafetyTestResource.MODELS.file()
                        + ": apiKeys: refused: this edit removes every API key")));

        given().get("/v1/models").then().statusCode(401);
        given().contentType("application/json").body(CHAT).post("/v1/chat/completions").then().statusCode(401);
        org.junit.jupiter.api.Assertions.assertEquals(pid, alphaPid());
    }

    @Test
    void anEmptiedFileIsRefusedAndTheModelsKeepRunning() throws IOException {
        long pid = alphaPid();
        write("");

        withKey().post("/api/config/reload").then().statusCode(200)
                .body("ok", equalTo(false))
                .body("models", equalTo(1));

        given().get("/v1/models").then().statusCode(401);
        org.junit.jupiter.api.Assertions.assertEquals(pid, alphaPid());
    }

    @Test
    void turningKeysOffOnPurposeIsApplied() throws IOException {
        write("apiKeys: []\n" + ReloadSafetyTestResource.MODELS.yaml());

        withKey().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));

        given().get("/v1/models").then().statusCode(200);
        write(ReloadSafetyTestResource.WITH_KEYS);
        given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
        given().get("/v1/models").then().statusCode(401);
    }

    @Test
    void removingEveryModelOnPurposeIsApplied() throws IOException {
        long pid = alphaPid();
        write("apiKeys: [" + ReloadSafetyTestResource.KEY + "]\nmodels: {}\n");

        withKey().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true)).body("models",
                equalTo(0));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !io.modelswap.testing.FakeUpstream.alive(pid));
        withKey().contentType("application/json").body(CHAT).post("/v1/chat/completions").then().statusCode(404);
    }
}
