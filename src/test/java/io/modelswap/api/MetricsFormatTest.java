package io.modelswap.api;

import static io.restassured.RestAssured.given;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import io.modelswap.testing.Promtool;


/**
 * {@code /metrics} answers the Prometheus text format unless OpenMetrics is asked for, and passes
 * {@code curl localhost:8080/metrics | promtool check metrics} (Prometheus's own linter: names, units, help, types;
 * issue 12, point 8). The promtool test is skipped where promtool is not installed; CI installs it with
 * {@code apt-get install -y prometheus}.
 */
@QuarkusTest
@WithTestResource(ApiTestResource.class)
class MetricsFormatTest {

    @Test
    void thePrometheusTextFormatUnlessOpenMetricsIsPreferredExplicitly() {
        for (String accept : new String[] {"*/*", "text/plain", "text/plain; version=0.0.4",
            "application/openmetrics-text;q=0.2, */*;q=0.5", "application/openmetrics-text;q=0.5,text/plain;q=0.5"}) {
            given().accept(accept).get("/metrics").then().statusCode(200)
                    .contentType(org.hamcrest.Matchers.startsWith("text/plain; version=0.0.4"));
        }
        given().get("/metrics").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain; version=0.0.4"));
        // what the Prometheus server sends
        for (String accept : new String[] {"application/openmetrics-text",
            "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,"
                    + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"}) {
            given().accept(accept).get("/metrics").then().statusCode(200)
                    .contentType(org.hamcrest.Matchers.startsWith("application/openmetrics-text"));
        }
    }

    @Test
    void promtoolFindsNoProblems() throws Exception {
        Promtool.assumeInstalled();
        given().contentType("application/json")
                .body("{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        given().get("/unload").then().statusCode(200);
        // what `curl localhost:8080/metrics | promtool check metrics` sends: Accept: */*
        String metrics = given().accept("*/*").get("/metrics").then().statusCode(200).extract().asString();
        Promtool.assertClean(metrics, "metrics-scrape.txt");
    }
}
