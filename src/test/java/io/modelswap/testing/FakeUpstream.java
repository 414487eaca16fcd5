package io.modelswap.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.modelswap.config.Capabilities;
import io.modelswap.config.ModelConfig;
import io.modelswap.config.ModelFilters;
import io.modelswap.config.UpstreamTimeouts;
import io.modelswap.demo.DemoUpstream;

/**
 * The fake upstream for tests: modelswap's own demo upstream ({@link DemoUpstream}, the hidden subcommand
 * {@code modelswap demo-upstream}), started straight from the compiled classes with a JVM tuned to start fast, and
 * run as a model's {@code cmd}. Plus the helpers the tests use to look at it.
 */
public final class FakeUpstream {

    /** Where Maven compiled the main classes; DemoUpstream needs nothing else (JDK only). */
    private static final Path CLASSES = Path.of("target/classes").toAbsolutePath();
    /** Flags that make the fake's JVM start faster; it needs neither the JIT's top tier nor much heap. */
    private static final String JVM_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -Xss512k";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private FakeUpstream() {
    }

    /** {@code <java> -cp <classes> io.modelswap.demo.DemoUpstream <flags>}, absolute paths, a model's {@code cmd}. */
    public static String command(String... flags) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return java + " " + JVM_FLAGS + " -cp " + CLASSES + " " + DemoUpstream.class.getName() + " "
                + String.join(" ", flags);
    }

    /**
     * Lowest and highest port handed out: below Linux's ephemeral range (32768-60999), from which the kernel picks
     * the port of everything bound to port 0 (Quarkus's own test port, every outgoing connection). A port taken
     * from that range and released is soon handed to one of those: the model's port then belongs to someone else,
     * which modelswap detects and refuses to serve from (it once made EngineTest fail with "port N is held by" the
     * test JVM itself).
     */
    private static final int FIRST_PORT = 20000;
    private static final int LAST_PORT = 32000;

    /** A TCP port free right now, outside the ephemeral range; random, so that concurrent builds rarely meet. */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = random.nextInt(FIRST_PORT, LAST_PORT + 1);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress("0.0.0.0", port));
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port between " + FIRST_PORT + " and " + LAST_PORT);
    }

    /** The fake's own pid followed by its descendants', as its {@code GET /pids} reports them. */
    public static List<Long> pidsOf(int port) {
        String body = get(port, "/pids");
        List<Long> pids = new ArrayList<>();
        Matcher pid = Pattern.compile("\"pid\":(\\d+)").matcher(body);
        if (pid.find()) {
            pids.add(Long.parseLong(pid.group(1)));
        }
        Matcher list = Pattern.compile("\"descendants\":\\[([\\d,]*)]").matcher(body);
        if (list.find() && !list.group(1).isEmpty()) {
            for (String p : list.group(1).split(",")) {
                pids.add(Long.parseLong(p));
            }
        }
        return pids;
    }

    /**
     * Whether a process with this pid exists and is not a zombie. The JDK counts a zombie as alive, and an orphaned
     * grandchild stays one until PID 1 reaps it (some inits take seconds): it has exited all the same.
     */
    public static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** {@link #alive(long)} of a handle. */
    public static boolean aliveHandle(ProcessHandle p) {
        return alive(p.pid());
    }

    /** GET {@code http://127.0.0.1:port/path} and return the body (any status). */
    public static String get(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POST an empty body to {@code http://127.0.0.1:port/path} and return the body (any status). */
    public static String post(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Hex SHA-256 of the UTF-8 bytes of {@code text}, as the fake's echo reports a body. */
    public static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A model for tests: {@code proxy} on 127.0.0.1:port, health on {@code /health}, short timeouts. */
    public static Model model(String id, int port) {
        return new Model(id, port);
    }

    /** Builds a {@link ModelConfig} with test defaults; only the process-shaping fields are settable. */
    public static final class Model {
        private final String id;
        private final int port;
        private String cmd = "";
        private String cmdStop = "";
        private String checkEndpoint = "/health";
        private int healthCheckTimeoutSeconds = 30;
        private int unloadTimeoutSeconds = 2;
        private int ttlSeconds;
        private List<String> env = List.of();
        private List<String> aliases = List.of();

        private Model(String id, int port) {
            this.id = id;
            this.port = port;
        }

        /** The fake upstream with these flags, listening on this model's port. */
        public Model fake(String... flags) {
            this.cmd = TestConfig.fakeOn(Integer.toString(port), id, String.join(" ", flags));
            return this;
        }

        public Model cmd(String cmd) {
            this.cmd = cmd;
            return this;
        }

        public Model cmdStop(String cmdStop) {
            this.cmdStop = cmdStop;
            return this;
        }

        public Model checkEndpoint(String checkEndpoint) {
            this.checkEndpoint = checkEndpoint;
            return this;
        }

        public Model healthCheckTimeoutSeconds(int seconds) {
            this.healthCheckTimeoutSeconds = seconds;
            return this;
        }

        public Model unloadTimeoutSeconds(int seconds) {
            this.unloadTimeoutSeconds = seconds;
            return this;
        }

        public Model ttlSeconds(int seconds) {
            this.ttlSeconds = seconds;
            return this;
        }

        public Model env(String... entries) {
            this.env = List.of(entries);
            return this;
        }

        public Model aliases(String... aliases) {
            this.aliases = List.of(aliases);
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(id, cmd, cmdStop, "http://127.0.0.1:" + port, checkEndpoint, ttlSeconds,
                    unloadTimeoutSeconds, healthCheckTimeoutSeconds, aliases, env, "", id, "", false, 0, false,
                    ModelFilters.NONE, Map.of(), UpstreamTimeouts.DEFAULTS, false, Capabilities.NONE);
        }
    }
}
