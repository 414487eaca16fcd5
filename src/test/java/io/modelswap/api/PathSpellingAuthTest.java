package io.modelswap.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.RawHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11.1: with {@code apiKeys} set, no spelling of a protected path passes as an open health check. Every request
 * is written on a raw socket, because HTTP client libraries resolve dot segments before sending (curl's
 * {@code --path-as-is} is what an attacker uses).
 */
@QuarkusTest
@WithTestResource(AuthTestResource.class)
class PathSpellingAuthTest {

    private static final String CHAT = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** One request per protected route group: method and path. */
    private static final List<String[]> PROTECTED = List.of(
            new String[] {"GET", "/v1/models"},
            new String[] {"POST", "/v1/chat/completions"},
            new String[] {"GET", "/unload"},
            new String[] {"POST", "/api/config/reload"},
            new String[] {"GET", "/api/events"},
            new String[] {"GET", "/logs"},
            new String[] {"GET", "/logs/stream/proxy"},
            new String[] {"GET", "/metrics"},
            new String[] {"GET", "/running"},
            new String[] {"GET", "/api/metrics/activity"},
            new String[] {"POST", "/api/models/load/alpha"},
            new String[] {"GET", "/upstream/alpha/health"});

    /** Ways to write {@code target} (which starts with {@code /}) that begin like an open health path. */
    static List<String> spellings(String target) {
        String rest = target.substring(1);
        return List.of(
                "/q/health/../../" + rest,
                "/q/health/%2e%2e/%2e%2e/" + rest,
                "/q/health/%2E%2E/.%2e/" + rest,
                "/q/health/..%2f..%2f" + rest,
                "/q/health/%2e%2e%2f%2e%2e%2f" + rest,
                "/health/../" + rest,
                "/health/%2e%2e/" + rest,
                "/q/health//../../../" + rest,
                "/q/health;x/../../" + rest,
                "/q/health/..;/..;/" + rest,
                "/Q/HEALTH/../../" + rest,
                "/q/health/live/../../../" + rest,
                "//" + rest,
                "/q/health/./../../" + rest,
                "http://localhost/q/health/../../" + rest);
    }

    private static RawHttp.Response send(String method, String path, String key) {
        String body = method.equals("POST") ? CHAT : "";
        String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + (body.isEmpty() ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n")
                + "\r\n" + body;
        return RawHttp.exchange(RestAssured.port, request, 10_000);
    }

    @Test
    void noSpellingOfAProtectedPathIsAnsweredWithoutAKey() {
        List<String> leaks = new ArrayList<>();
        int tried = 0;
        for (String[] target : PROTECTED) {
            for (String path : spellings(target[1])) {
                tried++;
                RawHttp.Response response = send(target[0], path, null);
                if (response.status() != 401) {
                    leaks.add(target[0] + " " + path + " -> " + response);
                }
            }
        }
        assertTrue(leaks.isEmpty(), leaks.size() + " of " + tried + " requests were not refused:\n"
                + String.join("\n", leaks));
    }

    @Test
    void theDotSegmentSpellingsDoReachTheirTargetWithAKey() {
        // the attack is real: these spellings are routed to the protected endpoint, so only the key stands in the way
        assertEquals(200, send("GET", "/q/health/../../running", AuthTestResource.KEY).status());
        assertEquals(200, send("GET", "/q/health/%2e%2e/%2e%2e/v1/models", AuthTestResource.KEY).status());
    }

    @Test
    void thePlainHealthPathsStayOpen() {
        for (String path : List.of("/health", "/q/health", "/q/health/live", "/q/health/ready")) {
            assertEquals(200, send("GET", path, null).status(), path);
        }
    }
}
