package io.modelswap.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.app.ConfigReloader;
import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.Metrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Configuration reload end to end: real fake-upstream processes behind modelswap, edits written to the watched file
 * (or swapped in as Kubernetes does), picked up by the poller every 200 ms. Every test starts from
 * {@link ReloadConfig#baseline()} with nothing running.
 */
@QuarkusTest
@WithTestResource(ReloadTestResource.class)
class ReloadTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    ConfigReloader reloader;

    private static Path dir() {
        return Path.of(System.getProperty(ReloadTestResource.DIR_PROPERTY));
    }

    private static Path configFile() {
        return dir().resolve("config.yaml");
    }

    @BeforeEach
    void startFromTheBaselineWithNothingRunning() {
        ReloadConfig.baseline().writeTo(configFile());
        given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
        given().get("/unload").then().statusCode(200);
    }

    // ------------------------------------------------------------------------------------------ the reload rules

    @Test
    void anUnchangedModelKeepsItsProcessWhileOthersAreAddedAndChanged() {
        long steady = chatPid("steady");
        long rapid = chatPid("rapid");

        ReloadConfig edited = ReloadConfig.baseline().with("newcomer", "")
                .with("rapid", "--token-delay-ms 0 --log-lines 1");
        JsonPath status = applyThroughThePoller(edited);

        assertTrue(status.getBoolean("ok"), status.prettify());
        assertEquals(edited.modelCount(), status.getInt("models"), status.prettify());
        assertEquals(steady, chatPid("steady"), "steady was not changed and must keep its process");
        assertTrue(FakeUpstream.alive(steady));
        postChat("newcomer").then().statusCode(200).body("choices[0].message.content",
                containsString("newcomer answered"));
        long newRapid = chatPid("rapid");
        assertNotEquals(rapid, newRapid, "rapid changed: its next request starts the new definition");
        assertTrue(commandLineOf(newRapid).contains("--log-lines 1"), commandLineOf(newRapid));
        await().atMost(PATIENCE).until(() -> !FakeUpstream.alive(rapid));
    }

    @Test
    void aModelAddedAheadInIdOrderLeavesARunningPortModelAlone() {
        long ported = chatPid("ported");
        String proxy = proxyOf("ported");

        // "a-ported" sorts before "ported": handed out in ID order it would take ported's ${PORT} and restart it
        JsonPath status = applyThroughThePoller(ReloadConfig.baseline().with("a-ported", ""));

        assertTrue(status.getBoolean("ok"), status.prettify());
        assertEquals(ported, chatPid("ported"), "ported was not changed and must keep its process");
        assertEquals(proxy, proxyOf("ported"), "and its port");
        assertNotEquals(proxy, postChatAndProxyOf("a-ported"), "a new model gets a port no configured model holds");
        assertEquals(ported, chatPid("ported"));
    }

    @Test
    void truncatingTheFileIsRefusedAndEveryModelKeepsRunning() throws IOException {
        long steady = chatPid("steady");
        String before = given().get("/api/config/reload").jsonPath().getString("at");
        ReloadConfig.writeAtomically(configFile().toRealPath(), "");

        JsonPath refused = awaitReloadAfter(before);

        assertFalse(refused.getBoolean("ok"), refused.prettify());
        assertTrue(refused.getList("errors", String.class).stream().anyMatch(e -> e.contains(
                "models: is required: this configuration defines no models; write 'models: {}'")), refused.prettify());
        assertEquals(ReloadConfig.baseline().modelCount(), refused.getInt("models"),
                "the configuration in force is the previous one");
        assertEquals(steady, chatPid("steady"));
        postChat("rapid").then().statusCode(200);
    }

    @Test
    void aChangeThatDoesNotShapeTheProcessKeepsTheInstanceAndTakesEffect() {
        long steady = chatPid("steady");

        applyThroughThePoller(ReloadConfig.baseline().with("steady", ReloadConfig.HOLD, "unloadTimeout: 30",
                "useModelName: steady-renamed"));

        postChat("steady").then().statusCode(200)
                .body("echo.pid", equalTo((int) steady))
                .body("echo.model", equalTo("steady-renamed"));
    }

    @Test
    void aChangedModelFinishesItsInFlightStreamThenRestartsWithItsNewDefinition() throws Exception {
        HeldStream held = HeldStream.open("changing");
        long old = FakeUpstream.pidsOf(ReloadConfig.port("changing")).get(0);

        applyThroughThePoller(ReloadConfig.baseline().with("changing", ReloadConfig.HOLD + " --log-lines 1",
                "unloadTimeout: 30"));

        assertTrue(FakeUpstream.alive(old), "the old instance serves its in-flight stream to the end");
        assertEquals("data: [DONE]", held.releaseAndFinish().get(held.lines.size() - 1));
        long next = chatPid("changing");
        assertNotEquals(old, next);
        assertTrue(commandLineOf(next).contains("--log-lines 1"), commandLineOf(next));
        assertFalse(FakeUpstream.alive(old));
        assertEquals(List.of(next), processesOf("changing"));
    }

    @Test
    void aRemovedModelFinishesItsInFlightStreamThenStopsAndIsUnknown() throws Exception {
        HeldStream held = HeldStream.open("doomed");
        long old = FakeUpstream.pidsOf(ReloadConfig.port("doomed")).get(0);

        applyThroughThePoller(ReloadConfig.baseline().without("doomed"));

        postChat("doomed").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        assertTrue(FakeUpstream.alive(old), "a removed model still finishes what it is serving");
        assertEquals("data: [DONE]", held.releaseAndFinish().get(held.lines.size() - 1));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertFalse(FakeUpstream.alive(old), "the removed model's process is stopped");
            given().get("/running").then().body("running.model", org.hamcrest.Matchers.not(
                    org.hamcrest.Matchers.hasItem("doomed")));
        });
    }

    @Test
    void aRoutingChangeThatForbidsTheRunningSetEvictsByTheNewPolicy() {
        long g1 = chatPid("g1");
        long g2 = chatPid("g2"); // the most recently used of the two
        assertTrue(FakeUpstream.alive(g1) && FakeUpstream.alive(g2), "swap: false lets both run");

        applyThroughThePoller(ReloadConfig.baseline().groupSwap("pair", true));

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertFalse(FakeUpstream.alive(g1), "g1 must go: the pair may no longer run together");
            given().get("/running").then().body("running.model", org.hamcrest.Matchers.hasItem("g2"))
                    .body("running.model", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("g1")));
        });
        assertEquals(g2, chatPid("g2"), "the most recently used model stays");
    }

    @Test
    void rapidSuccessiveEditsNeverRunTwoInstancesOfAModel() throws Exception {
        chatPid("rapid");
        AtomicInteger most = new AtomicInteger();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(() -> most.accumulateAndGet(processesOf("rapid").size(), Math::max),
                0, 20, TimeUnit.MILLISECONDS);
        // A -> B -> A' -> A -> C, some picked up by the poller, some applied at once through the API
        String[] versions = {"--log-lines 1", "--log-lines 2", "--log-lines 1", "", "--log-lines 3"};
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < versions.length; i++) {
            ReloadConfig.baseline().with("rapid", ("--token-delay-ms 0 " + versions[i]).strip()).writeTo(configFile());
            if (i % 2 == 1) {
                given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
            }
            calls.add(HTTP.sendAsync(chatRequest("rapid", false), HttpResponse.BodyHandlers.ofString()));
        }
        given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
        }
        long last = chatPid("rapid");
        watcher.shutdownNow();

        assertTrue(commandLineOf(last).contains("--log-lines 3"), commandLineOf(last));
        assertEquals(List.of(last), processesOf("rapid"));
        assertTrue(most.get() <= 1, "at some point " + most.get() + " instances of rapid ran at once");
    }

    @Test
    void anInvalidEditKeepsEverythingRunningAndSaysWhereThenAFixApplies() {
        long steady = chatPid("steady");
        ReloadConfig broken = ReloadConfig.baseline().with("steady", ReloadConfig.HOLD, "unloadTimeout: 30",
                "ttl: soon");
        int line = broken.lineOf("ttl: soon");

        JsonPath refused = applyThroughThePoller(broken);

        assertFalse(refused.getBoolean("ok"), refused.prettify());
        List<String> errors = refused.getList("errors", String.class);
        assertTrue(errors.stream().anyMatch(e -> e.contains("config.yaml:" + line + ": models.steady.ttl")),
                "errors should point at config.yaml:" + line + ": " + errors);
        given().get("/api/config/reload").then().body("ok", equalTo(false)).body("trigger", equalTo("file changed"));
        assertEquals(0.0, Metrics.value("modelswap_config_last_reload_success", ""));
        assertTrue(Metrics.value("modelswap_config_reloads_total", "outcome=\"failure\"") >= 1.0);
        assertEquals(steady, chatPid("steady"), "a refused edit changes nothing");
        postChat("newcomer").then().statusCode(404);

        JsonPath fixed = applyThroughThePoller(ReloadConfig.baseline().with("newcomer", ""));

        assertTrue(fixed.getBoolean("ok"), fixed.prettify());
        assertTrue(fixed.getList("errors").isEmpty());
        assertEquals(1.0, Metrics.value("modelswap_config_last_reload_success", ""));
        postChat("newcomer").then().statusCode(200);
        assertEquals(steady, chatPid("steady"));
    }

    @Test
    void aStreamOfAnUnchangedModelCompletesIntactAcrossAReload() throws Exception {
        HeldStream undisturbed = HeldStream.open("steady");
        List<String> expected = undisturbed.releaseAndFinish();
        HeldStream held = HeldStream.open("steady");
        long pid = FakeUpstream.pidsOf(ReloadConfig.port("steady")).get(0);

        applyThroughThePoller(ReloadConfig.baseline().with("newcomer", "").without("doomed")
                .with("changing", ReloadConfig.HOLD + " --log-lines 2", "unloadTimeout: 30"));

        List<String> received = held.releaseAndFinish();
        assertEquals(expected.size(), received.size(), "every chunk arrives: " + received);
        assertEquals("data: [DONE]", received.get(received.size() - 1));
        assertEquals(pid, chatPid("steady"));
    }

    // ------------------------------------------------------------------------------------------ triggers

    @Test
    void aKubernetesConfigMapUpdateIsPickedUp() throws IOException {
        long steady = chatPid("steady");
        Path current = configFile().toRealPath();
        ReloadConfig next = ReloadConfig.baseline().with("rapid", "--token-delay-ms 1");
        // Same size and mtime as the file it replaces: only the ..data swap tells them apart
        assertEquals(Files.size(current), next.yaml().getBytes(StandardCharsets.UTF_8).length);
        Path version = Files.createDirectory(dir().resolve("..2026_" + System.nanoTime()));
        Files.writeString(version.resolve("config.yaml"), next.yaml());
        Files.setLastModifiedTime(version.resolve("config.yaml"), Files.getLastModifiedTime(current));
        String before = given().get("/api/config/reload").jsonPath().getString("at");

        Path tmp = Files.createSymbolicLink(dir().resolve("..data_tmp"), version.getFileName());
        Files.move(tmp, dir().resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        JsonPath status = awaitReloadAfter(before);
        assertTrue(status.getBoolean("ok"), status.prettify());
        long rapid = chatPid("rapid");
        assertTrue(commandLineOf(rapid).contains("--token-delay-ms 1"), commandLineOf(rapid));
        assertEquals(steady, chatPid("steady"));
    }

    @Test
    void theApiReloadsAtOnceAndReportsTheOutcome() {
        ReloadConfig.baseline().with("newcomer", "").writeTo(configFile());

        given().post("/api/config/reload").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("trigger", equalTo("api"))
                .body("errors", org.hamcrest.Matchers.empty())
                .body("models", equalTo(ReloadConfig.baseline().with("newcomer", "").modelCount()));
        postChat("newcomer").then().statusCode(200);
        given().get("/api/config/reload").then().body("trigger", equalTo("api")).body("at",
                org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void theSighupPathReloads() {
        long steady = chatPid("steady");
        ReloadConfig.baseline().with("newcomer", "").writeTo(configFile());

        // What the SIGHUP handler calls (signalling the test's own JVM would be rash)
        ConfigReloader.ReloadStatus status = reloader.reload(ConfigReloader.SIGHUP);

        assertTrue(status.ok(), status.toString());
        given().get("/api/config/reload").then().body("trigger", equalTo("SIGHUP"));
        postChat("newcomer").then().statusCode(200);
        assertEquals(steady, chatPid("steady"));
    }

    // ------------------------------------------------------------------------------------------ the router's part

    /**
     * x's swap is waiting for hog (which ignores SIGTERM) to be killed when x's definition changes: the old owner,
     * still STOPPED but about to be started by that swap, must not be replaced under it, or its instance would run
     * unowned beside the new one.
     */
    @Test
    void aModelChangedWhileItsSwapWaitsForAnEvictionStartsOnceWithItsNewDefinition() throws Exception {
        chatPid("hog");
        CompletableFuture<HttpResponse<String>> x = HTTP.sendAsync(chatRequest("x", false),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/running").then()
                .body("running.find { it.model == 'hog' }.state", equalTo("stopping")));

        ReloadConfig.baseline().with("x", "--log-lines 1").writeTo(configFile());
        given().post("/api/config/reload").then().statusCode(200).body("ok", equalTo(true));

        HttpResponse<String> response = x.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        long pid = Calls.pidOf(response);
        assertTrue(commandLineOf(pid).contains("--log-lines 1"), commandLineOf(pid));
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(List.of(pid), processesOf("x")));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Writes the version and waits until the poller has loaded it; returns the reload's status. */
    private static JsonPath applyThroughThePoller(ReloadConfig config) {
        String before = given().get("/api/config/reload").jsonPath().getString("at");
        config.writeTo(configFile());
        return awaitReloadAfter(before);
    }

    private static JsonPath awaitReloadAfter(String before) {
        JsonPath[] status = new JsonPath[1];
        await().atMost(PATIENCE).until(() -> {
            status[0] = given().get("/api/config/reload").jsonPath();
            return !status[0].getString("at").equals(before) && status[0].getString("trigger").equals("file changed");
        });
        return status[0];
    }

    private static HttpRequest chatRequest(String model, boolean stream) {
        return Calls.chatRequest(model, stream);
    }

    private static io.restassured.response.Response postChat(String model) {
        return ProxyTest.postChat(model);
    }

    /** Sends a chat completion to {@code model} and returns the pid of the process that answered. */
    private static long chatPid(String model) {
        return postChat(model).then().statusCode(200).extract().jsonPath().getLong("echo.pid");
    }

    /** Live processes whose command line is the fake upstream on this model's port. */
    private static List<Long> processesOf(String model) {
        Pattern onPort = Pattern.compile("DemoUpstream --port " + ReloadConfig.port(model) + "\\b");
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> onPort.matcher(c).find()).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    /** The upstream address of a running model, as {@code /running} shows it. */
    private static String proxyOf(String model) {
        return given().get("/running").jsonPath().getString("running.find { it.model == '" + model + "' }.proxy");
    }

    private static String postChatAndProxyOf(String model) {
        postChat(model).then().statusCode(200);
        return proxyOf(model);
    }

    private static String commandLineOf(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("(pid " + pid + " is gone)");
    }

    /** A streamed chat completion of a {@code --hold-after 2} fake, opened and held after its first two chunks. */
    private static final class HeldStream {
        final String model;
        final BufferedReader reader;
        final List<String> lines = new ArrayList<>();

        private HeldStream(String model, BufferedReader reader) {
            this.model = model;
            this.reader = reader;
        }

        static HeldStream open(String model) throws Exception {
            HttpResponse<InputStream> response = HTTP.send(chatRequest(model, true),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            HeldStream held = new HeldStream(model,
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
            for (int i = 0; i < 2; i++) {
                String line = held.next();
                assertTrue(line != null && line.contains("chat.completion.chunk"), "chunk " + i + ": " + line);
            }
            return held;
        }

        String next() throws IOException {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    lines.add(line);
                    return line;
                }
            }
            return null;
        }

        /** Lets the fake go on and reads to the end; returns every data line received. */
        List<String> releaseAndFinish() throws IOException {
            FakeUpstream.post(ReloadConfig.port(model), "/release");
            try (reader) {
                while (next() != null) {
                    // collect
                }
            }
            return lines;
        }
    }
}
