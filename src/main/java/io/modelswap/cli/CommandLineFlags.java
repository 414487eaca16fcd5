package io.modelswap.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * llama-swap's command-line flags, translated into modelswap's Quarkus properties. Both {@code -flag} and
 * {@code --flag}, and both {@code -flag value} and {@code -flag=value}, are accepted, as Go's flag package does.
 * {@code -Dkey=value} after the program name sets a property too (the JVM only reads {@code -D} before {@code -jar}),
 * so the same command line works for the jar and the native executable. An unknown flag is an error, as in
 * llama-swap (a typo such as {@code -conifg} must not start modelswap on the default file); other arguments go to
 * Quarkus unchanged.
 *
 * @param properties  system properties to set before Quarkus starts
 * @param passThrough arguments left for Quarkus
 * @param version     {@code -version}: print the version and exit
 * @param help        {@code -help}: print usage and exit
 */
public record CommandLineFlags(Map<String, String> properties, List<String> passThrough, boolean version,
        boolean help) {

    public static final String USAGE = """
            Usage: modelswap [flags]
              -config FILE       llama-swap configuration file (default application.yaml)
              -config-dir DIR    merge the *.yml|*.yaml files of DIR into the configuration
              -listen ADDR       address to listen on, [host]:port (default :8080, :8443 with TLS)
              -tls-cert-file F   serve HTTPS only, with this PEM certificate (chain); reloaded when it changes
              -tls-key-file F    the certificate's PEM private key (both flags or neither)
              -watch-config      accepted for compatibility: modelswap always watches its configuration
              -version           print the version and exit
            Quarkus properties work too, e.g. -Dquarkus.log.level=DEBUG.
            """;

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static CommandLineFlags parse(String... args) {
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> passThrough = new ArrayList<>();
        boolean version = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-D") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                properties.put(arg.substring(2, eq), arg.substring(eq + 1));
                continue;
            }
            if (!arg.startsWith("-")) {
                passThrough.add(arg);
                continue;
            }
            String name = arg.replaceFirst("^--?", "");
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "version" -> version = true;
                case "help", "h" -> help = true;
                case "watch-config" -> {
                    // modelswap always polls its configuration; the flag stays valid so llama-swap units keep working
                }
                case "config", "config-dir", "listen", "tls-cert-file", "tls-key-file" -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("flag needs an argument: -" + name);
                        }
                        value = args[++i];
                    }
                    apply(name, value, properties);
                }
                default -> throw new IllegalArgumentException("flag provided but not defined: " + arg);
            }
        }
        tls(properties);
        return new CommandLineFlags(Map.copyOf(properties), List.copyOf(passThrough), version, help);
    }

    /**
     * With {@code -tls-cert-file} and {@code -tls-key-file}, as llama-swap: HTTPS only, on the {@code -listen} port
     * (default 8443), the files watched for changes ({@code io.modelswap.tls.CertificateWatcher}; Quarkus's own reload
     * task, whose period is the backstop, is what re-reads them).
     */
    private static void tls(Map<String, String> properties) {
        String cert = properties.remove(TLS_CERT);
        String key = properties.remove(TLS_KEY);
        if (cert == null && key == null) {
            return;
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("-tls-cert-file and -tls-key-file go together: give both or neither");
        }
        properties.put("quarkus.http.ssl.certificate.files", cert);
        properties.put("quarkus.http.ssl.certificate.key-files", key);
        properties.put("quarkus.http.ssl.certificate.reload-period", "1h");
        properties.put("quarkus.http.insecure-requests", "disabled");
        String port = properties.remove("quarkus.http.port");
        properties.put("quarkus.http.ssl-port", port == null ? "8443" : port);
    }

    private static final String TLS_CERT = "-tls-cert-file";
    private static final String TLS_KEY = "-tls-key-file";

    private static void apply(String name, String value, Map<String, String> properties) {
        switch (name) {
            case "config" -> properties.put("modelswap.config", value);
            case "config-dir" -> properties.put("modelswap.config-dir", value);
            case "tls-cert-file" -> properties.put(TLS_CERT, value);
            case "tls-key-file" -> properties.put(TLS_KEY, value);
            case "listen" -> {
                int colon = value.lastIndexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("-listen wants [host]:port, got " + value);
                }
                String host = value.substring(0, colon);
                String port = value.substring(colon + 1);
                if (!port.matches("\\d{1,5}")) {
                    throw new IllegalArgumentException("-listen wants [host]:port, got " + value);
                }
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                properties.put("quarkus.http.host", host.isEmpty() ? "0.0.0.0" : host);
                properties.put("quarkus.http.port", port);
            }
            default -> throw new IllegalStateException(name);
        }
    }
}
