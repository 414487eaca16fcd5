package io.modelswap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelswap.testing.FakeUpstream;
import io.modelswap.testing.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium against the packaged modelswap with fake upstreams: one app, one browser
 * session, the steps a person takes in order. Skipped (not failed) where Chromium or chromedriver is not installed;
 * CI installs both ({@code .ci/run}). Screenshots of each page go to {@code modelswap.ui.screenshots} (default
 * {@code target/ui-screenshots}; {@code -Dmodelswap.ui.screenshots=docs/ui} refreshes the README's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String KEY = "sk-ui-test-key";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    private TestConfig models;
    private Path configFile;
    private String goodConfig;
    private PackagedApp app;
    private int port;
    private WebDriver driver;
    private Path userDataDir;
    private Path screenshots;
    private Path gpuApps;
    private WebDriverWait wait;
    /** The second fake: an OpenAI server reached as the peer {@code gpu-b}. */
    private Process peer;

    @BeforeAll
    void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "UiBrowserIT skipped: the browser suite needs Debian's chromium and chromium-driver"
                        + " (apt-get install -y chromium chromium-driver); CI installs them");
        models = TestConfig.models().healthCheckTimeout(30).globals("apiKeys: [\"" + KEY + "\"]")
                .model("alpha", "--healthy-after-ms 1500 --tokens 12 --token-delay-ms 25 --reasoning 3 --chatty --ansi"
                        + " --enable-sleep-mode",
                        "name: Alpha (fake)", "description: a fake chat model", "aliases: [a, first]", "ttl: 600",
                        "sendLoadingState: true", "sleep: vllm")
                .model("beta", "--tokens 3000 --token-delay-ms 40", "aliases: [b]");
        int peerPort = FakeUpstream.freePort();
        peer = peerService(peerPort);
        // a peer served by the second fake, one nobody listens on, a failover selector over both, and a profile
        goodConfig = models.yaml() + """
                peers:
                  gpu-b:
                    proxy: http://127.0.0.1:%d
                    models: [remote-x]
                  gone:
                    proxy: http://127.0.0.1:%d
                    models: [ghost]
                selectors:
                  fo:
                    strategy: failover
                    targets: [gone/ghost, gpu-b/remote-x]
                profiles:
                  fast:
                    description: beta answers chat
                    pins:
                      chat: beta
                """.formatted(peerPort, FakeUpstream.freePort());
        configFile = Files.createTempDirectory("modelswap-ui").resolve("config.yaml");
        Files.writeString(configFile, goodConfig);
        port = FakeUpstream.freePort();
        app = PackagedApp.start(configFile, port, "-Dmodelswap.performance.nvidia-smi=" + fakeNvidiaSmi(configFile.getParent()));
        screenshots = Path.of(System.getProperty("modelswap.ui.screenshots", "target/ui-screenshots"));
        Files.createDirectories(screenshots);
        userDataDir = Files.createTempDirectory("modelswap-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + userDataDir, "--window-size=1280,900", "--force-prefers-reduced-motion");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
        // the pages re-render rows as events arrive: an element found a moment ago may be replaced; look again
        wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(50));
        wait.ignoring(StaleElementReferenceException.class);
    }

    /**
     * A scripted {@code nvidia-smi}: one 24 GiB GPU, and as compute processes the lines of {@link #gpuApps}
     * ({@code pid, gpu_uuid, MiB}). It answers the two queries modelswap makes and fails any other.
     */
    private Path fakeNvidiaSmi(Path dir) throws IOException {
        gpuApps = dir.resolve("gpu-apps.csv");
        Files.writeString(gpuApps, "");
        Path script = dir.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n"
                + "case \"$1\" in\n"
                + "  --query-gpu=index,name,uuid,temperature.gpu,*) echo '0, NVIDIA Fake GPU, GPU-fake-0, 41, 37, 9000,"
                + " 24576, 30, 120.5' ;;\n"
                + "  --query-compute-apps=*) cat '" + gpuApps + "' ;;\n"
                + "  --query-gpu=index,name,uuid,pci.bus_id,*) echo '0, NVIDIA Fake GPU, GPU-fake-0, 00000000:01:00.0,"
                + " 24576, 550.54, 350.00' ;;\n"
                + "  *) echo \"unexpected: $*\" >&2; exit 2 ;;\n"
                + "esac\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }

    private static Process peerService(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(FakeUpstream.command().trim().split(" ")));
        command.addAll(List.of("--port", Integer.toString(port), "--model-name", "remote-x"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        org.awaitility.Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
            FakeUpstream.get(port, "/health");
            return true;
        });
        return process;
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (peer != null) {
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            try {
                // SIGTERM: modelswap stops its upstreams (a SIGKILL would leave them running)
                app.terminate(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                app.close();
            }
        }
    }

    @Test
    @Order(1)
    void rootAsksForTheKeyOnceThenShowsTheModels() {
        driver.get(base() + "/");
        wait.until(d -> d.getCurrentUrl().contains("/ui/"));
        WebElement dialog = waitFor(By.id("login"));
        wait.until(d -> dialog.isDisplayed());
        driver.findElement(By.id("login-key")).sendKeys("wrong-key");
        driver.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-error"), "That key was not accepted."));
        WebElement input = driver.findElement(By.id("login-key"));
        input.clear();
        input.sendKeys(KEY);
        driver.findElement(By.id("login-submit")).click();
        wait.until(d -> !d.findElement(By.id("login")).isDisplayed());
        wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "connected"));
        waitForText(By.cssSelector("tr[data-model=alpha]"), "Alpha (fake)");
        assertTrue(text("tr[data-model=alpha]").contains("first"), "aliases are shown");
        assertEquals("stopped", stateOf("alpha"));
        assertEquals("stopped", stateOf("beta"));
        // kept for the session: a reload of the page does not ask again
        driver.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "connected"));
        assertFalse(driver.findElement(By.id("login")).isDisplayed(), "the key is kept for the session");
        assertFalse(driver.getCurrentUrl().contains(KEY), "the key is never in a URL");
    }

    @Test
    @Order(2)
    void loadButtonTurnsTheModelReadyLive() {
        Object marker = js().executeScript("return window.__sameDocument = Math.random();");
        click(By.cssSelector("tr[data-model=alpha] button.load"));
        // alpha answers its health check only after 1.5 s: the page shows it starting, then ready
        wait.until(d -> stateOf("alpha").equals("starting"));
        wait.until(d -> stateOf("alpha").equals("ready"));
        assertEquals(marker, js().executeScript("return window.__sameDocument;"), "no page reload happened");
        waitForText(By.cssSelector("tr[data-model=alpha] .ttl"), "unloads in");
        screenshot("models");
    }

    @Test
    @Order(3)
    void chatStreamsAnAnswerWithItsReasoningApartAndTheLoadingVisible() throws Exception {
        // alpha is stopped again, so the chat starts it: its loading shows in the message, apart from the reasoning
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/models/unload/alpha"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        driver.get(base() + "/ui/#/playground");
        WebElement model = waitFor(By.id("chat-model"));
        wait.until(d -> !model.findElements(By.tagName("option")).isEmpty());
        new org.openqa.selenium.support.ui.Select(model).selectByVisibleText("alpha");
        driver.findElement(By.id("chat-input")).sendKeys("Say hello");
        driver.findElement(By.id("chat-send")).click();
        waitForText(By.cssSelector(".msg.assistant .loading"), "Loading alpha: starting");
        // modelswap's sendLoadingState progress goes to the loading block, not to the reasoning
        waitForText(By.cssSelector(".msg.assistant .loading-stream"), "modelswap loading model: alpha");
        // the answer grows while it streams, then is complete
        waitForText(By.cssSelector(".msg.assistant .answer"), "tok1");
        waitForText(By.cssSelector(".msg.assistant .answer"), "tok11");
        wait.until(d -> !d.findElements(By.cssSelector(".msg.assistant.done")).isEmpty());
        String answer = text(".msg.assistant .answer");
        assertTrue(answer.startsWith("[alpha] tok1 tok2"), answer);
        assertFalse(answer.contains("step"), "reasoning stays out of the answer: " + answer);
        assertEquals("Thinking about it: step1 step2 step3", js().executeScript("return document.querySelector('.msg.assistant .reasoning .md').textContent"),
                "the model's reasoning, without the loading progress");
        assertTrue(driver.findElements(By.cssSelector(".msg.assistant .loading")).isEmpty(), "loading is over");
        screenshot("playground");
    }

    @Test
    @Order(4)
    void activityShowsTheRequestWithItsTokens() {
        driver.get(base() + "/ui/#/activity");
        WebElement row = wait.until(d -> d.findElements(By.cssSelector("#completed tbody tr[data-id]")).stream()
                .filter(r -> r.getText().contains("/v1/chat/completions")).findFirst().orElse(null));
        assertTrue(row.getText().contains("alpha"), row.getText());
        assertEquals("12", row.findElement(By.cssSelector(".tokens-out")).getText(), "generated tokens");
        assertFalse(row.findElement(By.cssSelector(".tokens-in")).getText().isBlank(), "prompt tokens");
        waitForText(By.id("total-requests"), "1");
        screenshot("activity");
        // its capture: the request pretty-printed, the streamed answer recombined into its text, reasoning apart
        click(By.cssSelector("#completed tr[data-id] button.capture"));
        waitForText(By.cssSelector("#capture-dialog .capture-answer"), "[alpha] tok1 tok2");
        assertTrue(text("#capture-dialog .capture-answer").endsWith("tok11"), text("#capture-dialog .capture-answer"));
        assertEquals("Thinking about it: step1 step2 step3", text("#capture-dialog .capture-reasoning"));
        assertTrue(text("#capture-dialog .capture-request").contains("\n  \"model\": \"alpha\""),
                "the request's JSON is pretty-printed: " + text("#capture-dialog .capture-request"));
        screenshot("capture");
        driver.findElement(By.cssSelector("#capture-dialog [data-close]")).click();
    }

    @Test
    @Order(5)
    void aLogLineArrivesLiveWithItsColours() throws Exception {
        driver.get(base() + "/ui/#/logs");
        waitFor(By.id("log-upstream"));
        String marker = "/v1/models?marker=" + System.nanoTime();
        send(HttpRequest.newBuilder(uri("/upstream/alpha" + marker)).GET());
        WebElement line = wait.until(d -> d.findElements(By.cssSelector("#log-upstream span")).stream()
                .filter(s -> s.getText().contains(marker)).findFirst().orElse(null));
        assertTrue(line.getAttribute("style").contains("color"), "the ANSI colour is rendered: " + line.getAttribute("outerHTML"));
        assertFalse(text("#log-upstream").contains("\u001b"), "no raw escape codes");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("log-model"))).selectByVisibleText("beta");
        wait.until(d -> !text("#log-upstream").contains(marker));
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("log-model"))).selectByVisibleText("alpha");
        waitForText(By.id("log-upstream"), marker);
        screenshot("logs");
    }

    @Test
    @Order(6)
    void anInFlightRequestIsCancelledFromTheActivityPage() throws Exception {
        Assumptions.assumeTrue(send(HttpRequest.newBuilder(uri("/api/inflight")).GET()).statusCode() == 200,
                "this modelswap has no /api/inflight yet");
        // beta is loaded first, so the request cancelled is one whose answer is streaming
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/models/load/beta"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        driver.get(base() + "/ui/#/activity");
        // beta streams 3000 tokens, 40 ms apart: a request stays in flight for two minutes. Cancelled over HTTP/1.1
        // (most clients, and browsers on plain http: the server closes the connection) and over HTTP/2 (h2c: the
        // stream is reset); either way the entry goes and the client's exchange ends as a failure.
        for (HttpClient client : List.of(HTTP, HTTP2)) {
            CompletableFuture<HttpResponse<InputStream>> held = client.sendAsync(
                    HttpRequest.newBuilder(uri("/v1/chat/completions"))
                            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                            .header("X-Session-ID", "session-42").timeout(WAIT)
                            .POST(HttpRequest.BodyPublishers.ofString(Calls.chat("beta", true))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String row = wait.until(d -> {
                String t = text("#inflight tr[data-inflight]");
                return t.contains("beta") && t.contains("streaming") ? t : null;
            });
            assertTrue(row.contains("session-42"), "the session id is shown: " + row);
            String elapsed = text("#inflight tr[data-inflight] td.elapsed");
            assertTrue(elapsed.matches("\\d+ ms|\\d+(\\.\\d+)? s"),
                    "elapsed counts from the request's arrival: " + elapsed);
            screenshot("activity-inflight");
            // the Models page counts it
            driver.get(base() + "/ui/#/models");
            waitForText(By.cssSelector("tr[data-model=beta] .in-flight"), "1");
            driver.get(base() + "/ui/#/activity");
            wait.until(d -> text("#inflight tr[data-inflight]").contains("streaming"));
            click(By.cssSelector("#inflight tr[data-inflight] button.cancel"));
            wait.until(d -> d.findElements(By.cssSelector("#inflight tr[data-inflight]")).isEmpty());
            // the client's exchange ends as a failure: cut before or during its body, never with the end of the answer
            try {
                String body = new String(held.get(30, TimeUnit.SECONDS).body().readAllBytes(), StandardCharsets.UTF_8);
                assertFalse(body.contains("[DONE]"), body);
            } catch (java.util.concurrent.ExecutionException | IOException cut) {
                // what a cancelled exchange looks like to an HTTP client
            }
        }
    }

    @Test
    @Order(7)
    void modelDetailShowsLiveLogsAndItsActivity() {
        driver.get(base() + "/ui/#/models/alpha");
        waitForText(By.id("model-log"), "listening on");
        driver.findElement(By.cssSelector("[data-tab=activity]")).click();
        waitForText(By.id("model-activity"), "/v1/chat/completions");
        driver.findElement(By.cssSelector("[data-tab=logs]")).click();
        screenshot("model-detail");
    }

    @Test
    @Order(8)
    void swapsAndOtherPagesRender() {
        driver.get(base() + "/ui/#/swaps");
        waitForText(By.id("swap-settings"), "Router: group");
        // loading beta (the cancel step) evicted alpha: one group runs one model at a time
        String swap = wait.until(d -> {
            String t = text("#swaps tbody");
            return t.contains("beta") && t.contains("alpha") ? t : null;
        });
        assertTrue(swap.matches("(?s).*beta\\s+alpha\\s+swap.*"), "beta's decision evicted alpha because of its group: " + swap);
        screenshot("swaps");
    }

    @Test
    @Order(9)
    void performanceShowsTheMachineTheGpuAndEachModelsGpuMemory() throws Exception {
        // the scripted nvidia-smi now reports beta's upstream (loaded by the cancel step) as a compute process
        Files.writeString(gpuApps, FakeUpstream.pidsOf(models.port("beta")).get(0) + ", GPU-fake-0, 4321\n");
        driver.get(base() + "/ui/#/models");
        wait.until(d -> d.findElement(By.id("nav-performance")).isDisplayed());
        click(By.id("nav-performance"));
        waitForText(By.id("perf-charts"), "CPU");
        waitForText(By.id("perf-charts"), "GPU 0 NVIDIA Fake GPU");
        waitForText(By.id("perf-model-table"), "beta");
        assertTrue(text("#perf-model-table").contains("4.22 GB"), text("#perf-model-table"));
        waitForText(By.id("hardware"), "Fake GPU");
        screenshot("performance");
    }

    @Test
    @Order(10)
    void aRefusedEditShowsItsProblemWithItsLineOnTheConfigPage() throws Exception {
        driver.get(base() + "/ui/#/config");
        waitForText(By.id("reload-result"), "applied: 2 model(s)");
        List<String> lines = goodConfig.lines().toList();
        int ttlLine = lines.indexOf("    ttl: 600") + 1;
        assertTrue(ttlLine > 0, goodConfig);
        Files.writeString(configFile, goodConfig.replace("    ttl: 600", "    ttl: -5"));
        // the poller notices the edit; the page polls the reload status
        waitForText(By.id("reload-result"), "refused");
        WebElement link = waitFor(By.cssSelector(".problems.errors a[data-line]"));
        assertEquals(String.valueOf(ttlLine), link.getAttribute("data-line"));
        assertTrue(link.getText().endsWith("config.yaml:" + ttlLine), link.getText());
        assertTrue(text(".problems.errors").contains("ttl"), text(".problems.errors"));
        click(By.cssSelector(".problems.errors a[data-line]"));
        WebElement bad = driver.findElement(By.cssSelector(".file-view .ln.bad"));
        assertTrue(bad.getText().contains("ttl: -5"), bad.getText());
        assertTrue(bad.getAttribute("class").contains("focus"), "the link goes to the line");
        screenshot("config");
        assertFalse(driver.getPageSource().contains(KEY), "apiKeys are masked in the file view");
        Files.writeString(configFile, goodConfig);
        js().executeScript("window.scrollTo(0, 0);"); // the link scrolled the page under the sticky header
        driver.findElement(By.id("reload-now")).click();
        waitForText(By.id("reload-result"), "applied");
    }

    @Test
    @Order(11)
    void darkModeAndAPhoneWidthScreen() {
        driver.get(base() + "/ui/#/models");
        waitFor(By.cssSelector("tr[data-model=alpha]"));
        js().executeScript("localStorage.setItem('modelswap.theme','dark');");
        driver.navigate().refresh();
        wait.until(d -> "dark".equals(js().executeScript("return document.documentElement.dataset.theme")));
        String background = (String) js().executeScript("return getComputedStyle(document.body).backgroundColor");
        assertEquals("rgb(13, 17, 23)", background, "dark colours apply");
        waitFor(By.cssSelector("tr[data-model=alpha]"));
        screenshot("models-dark");
        driver.manage().window().setSize(new Dimension(390, 844));
        wait.until(d -> "none".equals(js().executeScript("return getComputedStyle(document.querySelector('#models thead')).display")));
        screenshot("phone-dark");
        driver.findElement(By.id("menu")).click();
        wait.until(d -> d.findElement(By.cssSelector("nav")).getAttribute("class").contains("open"));
        long overflow = (Long) js().executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0L, overflow, "nothing is wider than a phone screen");
        screenshot("phone-menu-dark");
        js().executeScript("localStorage.removeItem('modelswap.theme');");
        driver.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    @Order(12)
    void aSleepingModelIsShownAsSuchAndALoadShowsItsProgress() throws Exception {
        driver.get(base() + "/ui/#/models");
        // loading beta (the cancel step) evicted alpha, which sleeps instead of stopping
        wait.until(d -> stateOf("alpha").equals("sleeping"));
        assertEquals("state state-sleeping", js().executeScript(
                "return document.querySelector('tr[data-model=alpha] .state').className"), "a sleeping badge of its own");
        // stopped for real, then loaded cold: its load time is learned by now, so the load shows a bar and an ETA
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/models/unload/alpha"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        wait.until(d -> stateOf("alpha").equals("stopped"));
        click(By.cssSelector("tr[data-model=alpha] button.load"));
        // the row is drawn again at every progress event: read the bar and its label in one script, from one drawing
        String shown = wait.until(d -> (String) js().executeScript(
                "var row = document.querySelector('tr[data-model=alpha]');"
                        + " var bar = row && row.querySelector('.progress.known');"
                        + " var eta = row && row.querySelector('.load-eta');"
                        + " return bar && eta ? bar.getAttribute('aria-valuenow') + '|' + eta.textContent.trim() : null;"));
        String[] barAndEta = shown.split("\\|", 2);
        assertTrue(barAndEta[0].matches("\\d+"), shown);
        assertTrue(barAndEta[1].matches("\\d+%( · .*)?"), shown);
        wait.until(d -> stateOf("alpha").equals("ready"));
    }

    @Test
    @Order(13)
    void peerModelsSelectorsAndProfilesAreShownAndAProfileIsSwitchedFromTheModelsPage() throws Exception {
        driver.get(base() + "/ui/#/models");
        waitForText(By.cssSelector("#peer-models tr[data-peer-model='gpu-b/remote-x']"), "gpu-b");
        assertTrue(driver.findElements(By.cssSelector("#peer-models button")).isEmpty(), "no load/unload for a peer");
        assertTrue(driver.findElements(By.cssSelector("tr[data-model='gpu-b/remote-x']")).isEmpty(),
                "peer models are not among the local ones");
        waitForText(By.cssSelector("#selectors tr[data-selector=fo]"), "failover");
        waitForText(By.id("active-profile"), "no profile active");
        click(By.cssSelector("#profiles tr[data-profile-row=fast] button.activate"));
        waitForText(By.id("active-profile"), "active: fast");
        waitForText(By.cssSelector("#profiles tr[data-profile-row=fast]"), "active");
        // the pin is listed while its profile is active, and the server has it
        waitForText(By.cssSelector("#selectors tr[data-selector=chat]"), "fast");
        assertTrue(send(HttpRequest.newBuilder(uri("/api/profiles")).GET()).body().contains("\"active\":\"fast\""));
        screenshot("models-peers");
        click(By.id("clear-profile"));
        waitForText(By.id("active-profile"), "no profile active");
        // a switch made elsewhere arrives live, as a profileChanged frame
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/profiles/active"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"fast\"}"))).statusCode());
        waitForText(By.id("active-profile"), "active: fast");
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/profiles/active"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":null}"))).statusCode());
        waitForText(By.id("active-profile"), "no profile active");
    }

    @Test
    @Order(14)
    void aRequestThatFailedOverShowsTheTargetThatServedIt() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Calls.chat("fo", false))));
        assertEquals(200, answer.statusCode(), answer.body());
        driver.get(base() + "/ui/#/activity");
        WebElement row = wait.until(d -> d.findElements(By.cssSelector("#completed tbody tr[data-id]")).stream()
                .filter(r -> r.getText().contains("→ gpu-b/remote-x")).findFirst().orElse(null));
        assertTrue(row.getText().contains("fo"), row.getText());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private URI uri(String path) {
        return URI.create(base() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.header("Authorization", "Bearer " + KEY).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    private WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(by));
    }

    private void waitForText(By by, String text) {
        wait.until(d -> !d.findElements(by).isEmpty() && d.findElement(by).getText().contains(text));
    }

    /**
     * Clicks the element once it is there and enabled. Live pages may replace an element between finding and clicking
     * it (a reconnected event stream redraws its rows): the wait then finds it again.
     */
    private void click(By by) {
        wait.until(d -> {
            WebElement element = d.findElement(by);
            if (!element.isEnabled()) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /** The rendered text of the element at this CSS selector, read in one step in the page (no re-render between). */
    private String text(String css) {
        return String.valueOf(js().executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.innerText : null;", css));
    }

    private String stateOf(String model) {
        return String.valueOf(js().executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.dataset.state : null;", "tr[data-model=" + model + "] .state"));
    }

    private void screenshot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
