package io.modelswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/**
 * What the activity rows show of a response's usage and errors, as the scanner reads it chunk by chunk: only the
 * top-level fields that carry them count, wherever the chunks split the bytes.
 */
class UsageScannerTest {

    private static Tokens scan(String contentType, String... chunks) {
        UsageScanner scanner = UsageScanner.forResponse(contentType, null);
        for (String chunk : chunks) {
            scanner.accept(Buffer.buffer(chunk));
        }
        return scanner.finish();
    }

    @Test
    void aJsonAnswerSplitAnywhereGivesItsUsage() {
        String answer = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"the \\\"usage\\\" is\","
                + "\"usage\":{\"prompt_tokens\":99}}}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":8,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":3}}}";
        for (int split = 1; split < answer.length(); split += 7) {
            Tokens tokens = scan("application/json", answer.substring(0, split), answer.substring(split));
            assertEquals(9, tokens.input(), "split at " + split);
            assertEquals(8, tokens.output());
            assertEquals(3, tokens.cache());
        }
    }

    @Test
    void llamaServerTimingsFillWhatUsageLeftOut() {
        Tokens tokens = scan("application/json; charset=utf-8", "{\"content\":\"hi\",\"timings\":{\"prompt_n\":5,"
                + "\"predicted_n\":7,\"cache_n\":2,\"draft_n\":4,\"draft_n_accepted\":3,\"prompt_per_second\":100.5,"
                + "\"predicted_per_second\":20.25}}");
        assertEquals(new Tokens(5, 7, 2, 4, 3, 100.5, 20.25), tokens);
    }

    @Test
    void anSseStreamGivesTheUsageOfItsEventsWhereverTheChunksSplitThem() {
        String stream = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}],\"usage\":{\"prompt_tokens\":4,"
                + "\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n";
        for (int split = 1; split < stream.length(); split += 5) {
            Tokens tokens = scan("text/event-stream", stream.substring(0, split), stream.substring(split));
            assertEquals(4, tokens.input(), "split at " + split);
            assertEquals(2, tokens.output());
        }
    }

    @Test
    void aLastEventWithoutItsNewlineIsStillRead() {
        Tokens tokens = scan("text/event-stream", "data: {\"usage\":{\"input_tokens\":6,\"output_tokens\":1}}");
        assertEquals(6, tokens.input());
        assertEquals(1, tokens.output());
    }

    @Test
    void theResponsesApiCarriesItsUsageInsideTheResponse() {
        Tokens tokens = scan("text/event-stream", "event: response.completed\n",
                "data: {\"type\":\"response.completed\",\"response\":{\"output\":[],\"usage\":{\"input_tokens\":11,"
                        + "\"output_tokens\":12}}}\n\n");
        assertEquals(11, tokens.input());
        assertEquals(12, tokens.output());
    }

    @Test
    void errorMessagesComeFromJsonAnswersAndFromEvents() {
        UsageScanner json = UsageScanner.forResponse("application/json", null);
        json.accept(Buffer.buffer("{\"error\":{\"message\":\"  context too long \",\"code\":400}}"));
        json.finish();
        assertEquals("context too long", json.errorMessage());

        UsageScanner sse = UsageScanner.forResponse("text/event-stream", null);
        sse.accept(Buffer.buffer("data: {\"choices\":[]}\n\ndata: {\"error\":\"out of memory\"}\n\n"));
        sse.finish();
        assertEquals("out of memory", sse.errorMessage());

        UsageScanner detail = UsageScanner.forResponse("application/json", null);
        detail.accept(Buffer.buffer("{\"detail\":\"not found\"}"));
        detail.finish();
        assertEquals("not found", detail.errorMessage());
    }

    @Test
    void whatIsNotOneJsonObjectGivesNothing() {
        assertEquals(Tokens.NONE, scan("application/json", "[{\"usage\":{\"prompt_tokens\":1}}]"));
        assertEquals(Tokens.NONE, scan("application/json", "{\"usage\":{\"prompt_tokens\":1}"));
        assertEquals(Tokens.NONE, scan("application/json", "{\"usage\":{\"prompt_tokens\":1}} trailing"));
        assertEquals(Tokens.NONE, scan("text/event-stream", "data: {\"usage\": nope}\n\n"));
    }

    @Test
    void nestedUsageOutsideTheKnownHoldersIsNotCounted() {
        Tokens tokens = scan("application/json", "{\"choices\":[{\"usage\":{\"prompt_tokens\":5}}],"
                + "\"extra\":{\"usage\":{\"prompt_tokens\":6}}}");
        assertEquals(Tokens.NONE, tokens);
    }

    @Test
    void aJsonAnswerOverTheLimitIsNotKept() {
        UsageScanner scanner = UsageScanner.forResponse("application/json", null);
        scanner.accept(Buffer.buffer("{\"usage\":{\"prompt_tokens\":1},\"pad\":\""));
        scanner.accept(Buffer.buffer("x".repeat(UsageScanner.MAX_JSON_BYTES)));
        scanner.accept(Buffer.buffer("\"}"));
        assertEquals(Tokens.NONE, scanner.finish());
        assertNull(UsageScanner.forResponse("application/json", Long.toString(UsageScanner.MAX_JSON_BYTES + 1L)));
        assertNull(UsageScanner.forResponse("text/html", null));
    }

    @Test
    void anOverlongSseLineIsSkippedAndTheNextOneRead() {
        Tokens tokens = scan("text/event-stream", "data: {\"usage\":{\"prompt_tokens\":1},\"pad\":\""
                        + "x".repeat(UsageScanner.MAX_LINE_BYTES) + "\"}\n\n",
                "data: {\"usage\":{\"prompt_tokens\":3}}\n\n");
        assertEquals(3, tokens.input());
    }
}
