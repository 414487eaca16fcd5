package io.modelswap.testing;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code /metrics} the one way every test does, whichever exposition format answered: the Prometheus text
 * format may end a label set with a comma ({@code {a="b",}}), OpenMetrics may not; both are read as the spelling
 * without it, so a test names a series as OpenMetrics writes it: {@code name{a="b",c="d"}}, or {@code name} alone.
 */
public final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    private Metrics() {
    }

    /** Every sample of an exposition, series name with its normalised label set, to its value. */
    public static Map<String, Double> parse(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Matcher m = SAMPLE.matcher(exposition);
        while (m.find()) {
            String labels = m.group(2) == null ? "" : m.group(2).replace(",}", "}");
            if (labels.equals("{}")) {
                labels = "";
            }
            samples.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    /** A fresh scrape of {@code /metrics}, parsed. */
    public static Map<String, Double> scrape() {
        return parse(given().get("/metrics").then().statusCode(200).extract().asString());
    }

    /** The value of {@code series} now, 0 when it is not there. */
    public static double value(String series) {
        return scrape().getOrDefault(series, 0.0);
    }

    /**
     * The value of the first series named {@code name} whose label set contains {@code labels} (a part such as
     * {@code outcome="failure"}, or empty for any); fails when there is none.
     */
    public static double value(String name, String labels) {
        for (Map.Entry<String, Double> sample : scrape().entrySet()) {
            String series = sample.getKey();
            int brace = series.indexOf('{');
            String seriesName = brace < 0 ? series : series.substring(0, brace);
            if (seriesName.equals(name) && series.contains(labels)) {
                return sample.getValue();
            }
        }
        throw new AssertionError("no metric " + name + "{" + labels + "} in /metrics");
    }

    /** Whether some series starts with {@code prefix} (a name and the start of its label set). */
    public static boolean has(Map<String, Double> samples, String prefix) {
        return samples.keySet().stream().anyMatch(series -> series.startsWith(prefix));
    }
}
