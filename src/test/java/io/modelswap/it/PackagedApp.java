package io.modelswap.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged modelswap (native binary when {@code native.image.path} names one, else the jar) run as a real child
 * process, for the tests that need to signal or restart it.
 */
final class PackagedApp implements AutoCloseable {

    /** How long a closed app is given to stop its upstreams and exit after SIGTERM (their unloadTimeouts are short). */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    private final Path log;

    private PackagedApp(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static List<String> launcher() {
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && !nativeImage.isBlank() && Files.isRegularFile(Path.of(nativeImage))
                && Files.isExecutable(Path.of(nativeImage))) {
            return List.of(nativeImage);
        }
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package modelswap first (./mvnw package): " + jar + " is missing");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
    }

    static PackagedApp start(Path config, int port, String... extraArgs) {
        return start(launcher(), config, port, extraArgs);
    }

    /**
     * modelswap under a shell's {@code ulimit -n openFiles} with {@code maxHeap} ({@code -Xmx}, which the native
     * binary takes too): a small machine, or a hostile client's best case.
     */
    static PackagedApp startConstrained(int openFiles, String maxHeap, Path config, int port, String... extraArgs) {
        List<String> launcher = launcher();
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$@\"",
                "bash"));
        command.add(launcher.get(0));
        command.add("-Xmx" + maxHeap);
        command.addAll(launcher.subList(1, launcher.size()));
        return start(command, config, port, extraArgs);
    }

    /**
     * modelswap with system properties ({@code -Dname=value}, which the native binary takes too) before its
     * arguments, e.g. {@code -Djavax.net.ssl.trustStore=...}.
     */
    static PackagedApp startWithProperties(List<String> properties, Path config, int port, String... extraArgs) {
        List<String> launcher = launcher();
        List<String> command = new ArrayList<>(List.of(launcher.get(0)));
        command.addAll(properties);
        command.addAll(launcher.subList(1, launcher.size()));
        return start(command, config, port, extraArgs);
    }

    private static PackagedApp start(List<String> launcher, Path config, int port, String... extraArgs) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("-config", config.toString(), "-listen", "127.0.0.1:" + port));
        command.addAll(List.of(extraArgs));
        try {
            Path log = Files.createTempFile("modelswap", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            PackagedApp app = new PackagedApp(process, port, log);
            app.awaitHealthy();
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy() {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(this::healthy);
        } catch (ConditionTimeoutException late) {
            throw new IllegalStateException("modelswap did not answer /health within 60 s:\n" + log(), late);
        }
    }

    /** Whether modelswap answers {@code /health}; throws when it has exited, which no wait can mend. */
    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException("modelswap exited at start:\n" + log());
        }
        try {
            return get("/health").statusCode() == 200;
        } catch (UncheckedIOException notYet) {
            return false; // not listening yet
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Sends a JSON POST and does not wait for its answer (for a request that waits on something the test does). */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> postJsonAsync(String path, String json) {
        return HTTP.sendAsync(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, then wait for the exit; true when it exited within the time. */
    boolean terminate(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * SIGTERM first, so modelswap stops the upstreams it started on its way out (SIGKILL would leave them running
     * after the test); SIGKILL only when it has not exited within {@link #CLOSE_GRACE}. Either way it is reaped.
     */
    @Override
    public void close() {
        try {
            if (!terminate(CLOSE_GRACE)) {
                process.destroyForcibly();
                process.waitFor(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
