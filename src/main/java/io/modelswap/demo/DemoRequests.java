package io.modelswap.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the demo upstream reads of a request body: the model it names, in JSON or in a form. */
final class DemoRequests {

    private static final Pattern MODEL_FIELD = Pattern.compile("\"model\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The model field of a multipart form, as sent, after any part headers (group 1), or of a URL-encoded one (group 2). */
    private static final Pattern FORM_MODEL = Pattern.compile(
            "name=\"model\"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r]*)\r\n|(?:^|&)model=([^&]*)");

    private DemoRequests() {
    }

    static String requestedModel(String body) {
        Matcher m = MODEL_FIELD.matcher(body);
        if (m.find()) {
            return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        Matcher form = FORM_MODEL.matcher(body);
        if (form.find()) {
            return form.group(1) != null ? form.group(1) : URLDecoder.decode(form.group(2), StandardCharsets.UTF_8);
        }
        return "";
    }

    static String formModel(String body) {
        Matcher m = FORM_MODEL.matcher(body);
        return m.find() && m.group(1) != null ? m.group(1) : "";
    }
}
