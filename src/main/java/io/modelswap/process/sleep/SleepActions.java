package io.modelswap.process.sleep;

import io.modelswap.config.SleepConfig;
import io.modelswap.process.CommandLine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import io.modelswap.http.ControlCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Performs one sleep or wake {@link SleepConfig.Action} against a model's upstream: an HTTP call to its address (vLLM's
 * {@code POST /sleep?level=1}, {@code POST /wake_up}), which must answer 2xx, or a command ({@code ${PID}} replaced
 * with the upstream's pid), which must exit 0, both within the timeout. Blocking work runs on the executor handed in;
 * the future completes there.
 */
public final class SleepActions {

    /** Bytes of a failed call's answer or output quoted in its error. */
    static final int QUOTED_BYTES = 300;

    private SleepActions() {
    }

    /**
     * @param proxy the upstream's base URL ({@code http://127.0.0.1:5800})
     * @param pid   the upstream's process id, for {@code ${PID}}
     * @param env   {@code NAME=value} entries for a command's environment (the model's {@code env})
     * @return succeeds when the action did; fails with a message an operator can act on
     */
    public static Future<Void> perform(SleepConfig.Action action, String proxy, long pid, Duration timeout,
            List<String> env, Executor blocking) {
        Promise<Void> result = Promise.promise();
        blocking.execute(() -> {
            try {
                if (action.isCommand()) {
                    runCommand(action.command().replace("${PID}", Long.toString(pid)), timeout, env);
                } else {
                    call(action.method(), base(proxy) + action.path(), timeout);
                }
                result.complete();
            } catch (IOException | IllegalArgumentException e) {
                result.fail(new IOException(action.describe() + ": " + e.getMessage(), e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.fail(new IOException(action.describe() + ": interrupted", e));
            }
        });
        return result.future();
    }

    private static void call(String method, String url, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = ControlCalls.client().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("no answer within " + timeout.toSeconds() + "s (raise sleep.timeout)", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("answered " + response.statusCode() + " " + quote(response.body()));
        }
    }

    private static void runCommand(String command, Duration timeout, List<String> env)
            throws IOException, InterruptedException {
        List<String> argv = CommandLine.split(command);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        for (String entry : env) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                builder.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        Process process = builder.start();
        process.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> readInto(process.getInputStream(), output), "modelswap-sleep-output");
        reader.setDaemon(true);
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException("did not finish within " + timeout.toSeconds() + "s (raise sleep.timeout)");
        }
        reader.join(1000);
        if (process.exitValue() != 0) {
            String said;
            synchronized (output) {
                said = output.toString();
            }
            throw new IOException("exited with code " + process.exitValue() + " " + quote(said));
        }
    }

    private static void readInto(InputStream in, StringBuilder output) {
        byte[] buffer = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (output) {
                    if (output.length() < QUOTED_BYTES * 4) {
                        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException ignored) {
            // the command ended; what was read is quoted
        }
    }

    private static String quote(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return "(nothing said)";
        }
        return "(" + (trimmed.length() > QUOTED_BYTES ? trimmed.substring(0, QUOTED_BYTES) + "..." : trimmed) + ")";
    }

    static String base(String proxy) {
        return proxy.endsWith("/") ? proxy.substring(0, proxy.length() - 1) : proxy;
    }
}
