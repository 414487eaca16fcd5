package io.modelswap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load of {@code src/bench/soak.sh}: many requests through modelswap, mostly to one model, every Nth to another
 * of the same swap group (a swap), every Mth a stream the client abandons after its first chunk (a client
 * disconnect mid-stream). Measures modelswap's RSS and thread count after a warm-up and at the end. JDK only, so it
 * runs as a single source file: {@code java SoakClient.java <base-url> <modelswap-pid> <requests> <swap-every>
 * <abort-every> <concurrency> <model,model,...>}.
 */
public final class SoakClient {

    private SoakClient() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        long pid = Long.parseLong(args[1]);
        int requests = Integer.parseInt(args[2]);
        int swapEvery = Integer.parseInt(args[3]);
        int abortEvery = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        String[] models = args[6].split(",");
        int warmup = Math.min(requests / 10, 10_000);

        // HTTP/1.1, as OpenAI client libraries speak to an http:// base URL. Over HTTP/2 (h2c), aborting every 50th
        // stream on shared connections trips the server's rapid-reset protection (Vert.x answers GOAWAY once a
        // connection sends more than 200 RST_STREAM frames in 30 s), which is the server doing its job.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4)).build();
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        Map<String, Long> atWarm = null;
        for (int phase = 0; phase < 2; phase++) {
            int end = phase == 0 ? warmup : requests;
            ExecutorService workers = Executors.newFixedThreadPool(concurrency);
            for (int w = 0; w < concurrency; w++) {
                workers.execute(() -> {
                    for (int i = next.getAndIncrement(); i < end; i = next.getAndIncrement()) {
                        String outcome = one(http, base, i, swapEvery, abortEvery, models);
                        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                    }
                    next.updateAndGet(v -> Math.min(v, end)); // the overshoot of this phase is redone in the next
                });
            }
            workers.shutdown();
            workers.awaitTermination(1, TimeUnit.HOURS);
            next.set(end);
            if (phase == 0) {
                System.gc();
                Thread.sleep(2000);
                atWarm = sample(pid);
                System.out.printf("after warm-up (%d requests): %s%n", warmup, atWarm);
            }
        }
        Thread.sleep(2000); // let aborted exchanges settle
        Map<String, Long> atEnd = sample(pid);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("at end (%d requests, %.0f s, %.0f req/s): %s%n", requests, seconds, requests / seconds,
                atEnd);
        System.out.println("outcomes: " + new TreeMap<>(Map.copyOf(outcomes)).toString().replace("=", ": "));
        long rss0 = atWarm.get("rss_kib");
        long rss1 = atEnd.get("rss_kib");
        System.out.printf("rss growth after warm-up: %+.1f %% (%d -> %d KiB); threads %d -> %d%n",
                100.0 * (rss1 - rss0) / rss0, rss0, rss1, atWarm.get("threads"), atEnd.get("threads"));
        System.exit(0);
    }

    private static final AtomicInteger IO_ERRORS_SHOWN = new AtomicInteger();

    private static String one(HttpClient http, String base, int i, int swapEvery, int abortEvery, String[] models) {
        String model = i % swapEvery == swapEvery - 1 ? models[1 + (i / swapEvery) % (models.length - 1)] : models[0];
        boolean abort = i % abortEvery == abortEvery / 2;
        String body = "{\"model\":\"" + model + "\",\"stream\":" + abort
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"soak " + i + "\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            if (abort) {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    in.read(new byte[64]); // the first chunk, then hang up mid-stream
                }
                return "aborted-" + response.statusCode();
            }
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return (model.equals(models[0]) ? "main-" : "swap-") + response.statusCode();
        } catch (IOException e) {
            // the kind of failure, not its text, is counted (the outcome map must stay small); the first few are shown
            if (IO_ERRORS_SHOWN.getAndIncrement() < 5) {
                System.err.println("request " + i + " (" + model + (abort ? ", aborting" : "") + "): " + e);
            }
            return "io-error (" + (abort ? "aborting" : "plain") + ", " + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** RSS and threads of modelswap from /proc. */
    static Map<String, Long> sample(long pid) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                out.put("rss_kib", Long.parseLong(line.replaceAll("\\D", "")));
            } else if (line.startsWith("Threads:")) {
                out.put("threads", Long.parseLong(line.replaceAll("\\D", "")));
            }
        }
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            out.put("fds", fds.count());
        }
        return out;
    }
}
