package io.modelswap.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SSE load of {@code src/bench/compare.sh}: N streaming chat completions at once, each on its own connection,
 * against {@link BenchUpstream} directly or through a proxy. For every event it records the delay from the upstream's
 * {@code "sent_us"} to its arrival here, and for every stream the time from sending the request to its first event.
 *
 * <pre>
 * java -cp ... io.modelswap.bench.SseLoad URL STREAMS EVENTS-PER-STREAM [MODEL]
 * </pre>
 *
 * Prints one line of {@code key=value}: streams, errors (a status other than 200, a failed connection, a stream with
 * fewer events than asked or without {@code [DONE]}), first-event p50/p99/max ms and per-event delay p50/p99/max ms.
 */
public final class SseLoad {

    private SseLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int streams = Integer.parseInt(args[1]);
        int eventsPerStream = Integer.parseInt(args[2]);
        String model = args.length > 3 ? args[3] : "bench";
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(false)
                .setConnectTimeout(30_000), new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
        Buffer body = Buffer.buffer("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        long[] firstEventUs = new long[streams];
        long[] delaysUs = new long[streams * eventsPerStream];
        AtomicInteger delayCount = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int index = i;
            Promise<Void> done = Promise.promise();
            all.add(done.future());
            long sentUs = BenchUpstream.nowMicros();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
                    .setPort(url.getPort()).setURI(url.getRawPath()).putHeader("Content-Type", "application/json")
                    .setTimeout(120_000);
            client.request(options)
                    .compose(request -> request.send(body))
                    .onFailure(e -> {
                        errors.incrementAndGet();
                        done.tryComplete();
                    })
                    .onSuccess(response -> {
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                            response.body().onComplete(x -> done.tryComplete());
                            return;
                        }
                        EventReader reader = new EventReader();
                        response.handler(chunk -> {
                            long now = BenchUpstream.nowMicros();
                            for (long sent : reader.accept(chunk)) {
                                if (firstEventUs[index] == 0) {
                                    firstEventUs[index] = Math.max(1, now - sentUs);
                                }
                                int slot = delayCount.getAndIncrement();
                                if (slot < delaysUs.length) {
                                    delaysUs[slot] = now - sent;
                                }
                            }
                        });
                        response.exceptionHandler(e -> {
                            errors.incrementAndGet();
                            done.tryComplete();
                        });
                        response.endHandler(v -> {
                            if (reader.events != eventsPerStream || !reader.doneSeen) {
                                errors.incrementAndGet();
                            }
                            done.tryComplete();
                        });
                    });
        }
        Future.join(all).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        long[] delays = Arrays.copyOf(delaysUs, Math.min(delayCount.get(), delaysUs.length));
        long[] firsts = Arrays.stream(firstEventUs).filter(v -> v > 0).toArray();
        System.out.printf("streams=%d errors=%d events=%d first_p50_ms=%.3f first_p99_ms=%.3f first_max_ms=%.3f"
                        + " delay_p50_ms=%.3f delay_p99_ms=%.3f delay_max_ms=%.3f%n", streams, errors.get(),
                delays.length, pct(firsts, 50), pct(firsts, 99), pct(firsts, 100), pct(delays, 50), pct(delays, 99),
                pct(delays, 100));
        client.close();
        vertx.close();
    }

    /** The value at percentile {@code p} of {@code valuesUs}, in milliseconds (nearest rank). */
    static double pct(long[] valuesUs, double p) {
        if (valuesUs.length == 0) {
            return Double.NaN;
        }
        long[] sorted = valuesUs.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
    }

    /** Splits a stream's bytes into lines and reads {@code "sent_us"} off each {@code data:} line. */
    static final class EventReader {
        private final StringBuilder line = new StringBuilder();
        int events;
        boolean doneSeen;

        long[] accept(Buffer chunk) {
            String text = chunk.toString();
            long[] found = new long[0];
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '\n') {
                    line.append(c);
                    continue;
                }
                String complete = line.toString();
                line.setLength(0);
                if (complete.equals("data: [DONE]")) {
                    doneSeen = true;
                    continue;
                }
                int at = complete.indexOf("\"sent_us\":");
                if (complete.startsWith("data:") && at >= 0) {
                    int from = at + "\"sent_us\":".length();
                    int to = from;
                    while (to < complete.length() && Character.isDigit(complete.charAt(to))) {
                        to++;
                    }
                    events++;
                    found = Arrays.copyOf(found, found.length + 1);
                    found[found.length - 1] = Long.parseLong(complete.substring(from, to));
                }
            }
            return found;
        }
    }

}
