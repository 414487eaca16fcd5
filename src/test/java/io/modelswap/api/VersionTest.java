package io.modelswap.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code /api/version} names the build: version, git commit and build date, never empty (issue 12, point 16). */
@QuarkusTest
@WithTestResource(ApiTestResource.class)
class VersionTest {

    @Test
    void versionCommitAndBuildDateDescribeThisBuild() throws Exception {
        JsonPath version = given().get("/api/version").then().statusCode(200).extract().jsonPath();

        assertTrue(version.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"), version.prettify());
        assertEquals(headCommit(), version.getString("commit"), "the commit the tests were built from");
        Instant built = Instant.parse(version.getString("build_date"));
        assertTrue(Duration.between(built, Instant.now()).toDays() < 1, "built today: " + built);
    }

    /** What the build's {@code git rev-parse} saw: this checkout's HEAD, or "unknown" outside a git checkout. */
    private static String headCommit() throws Exception {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (java.io.IOException noGit) {
            return "unknown";
        }
    }
}
