package io.modelswap.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastWordsTest {

    @Test
    void aJavaStackTraceGivesItsExceptionLineNotItsFrames() {
        List<String> output = new ArrayList<>(List.of("[modelswap] starting: java -jar server.jar",
                "loading model", "Exception in thread \"main\" java.net.BindException: Address already in use"));
        for (int i = 0; i < 14; i++) {
            output.add("\tat sun.nio.ch.Frame" + i + ".bind(Frame.java:" + i + ")");
        }
        output.add("\t... 3 more");
        assertEquals(List.of("[modelswap] starting: java -jar server.jar", "loading model",
                "Exception in thread \"main\" java.net.BindException: Address already in use"),
                LastWords.of(output, 10));
    }

    @Test
    void theLastErrorLineIsKeptWhenManyLinesFollowIt() {
        List<String> output = new ArrayList<>(List.of("[modelswap] starting: llama-server", "early line",
                "error: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 8080"));
        for (int i = 1; i <= 12; i++) {
            output.add("cleanup " + i);
        }
        List<String> picked = LastWords.of(output, 5);
        assertEquals(List.of("error: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 8080", "...",
                "cleanup 9", "cleanup 10", "cleanup 11", "cleanup 12"), picked);
    }

    @Test
    void aPythonTracebackGivesItsErrorLineNotItsFramesOrSource() {
        List<String> output = List.of("[modelswap] starting: vllm serve m", "Traceback (most recent call last):",
                "  File \"/usr/lib/python3/site.py\", line 10, in <module>", "    main()",
                "  File \"/usr/lib/python3/server.py\", line 99, in main", "    sock.bind(addr)",
                "OSError: [Errno 98] Address already in use");
        assertEquals(List.of("[modelswap] starting: vllm serve m", "Traceback (most recent call last):",
                "OSError: [Errno 98] Address already in use"), LastWords.of(output, 10));
    }

    @Test
    void onlyTheLastRunsOutputCounts() {
        List<String> output = List.of("[modelswap] starting: a", "fatal: old run's problem",
                "[modelswap] starting: a", "new run line");
        assertEquals(List.of("[modelswap] starting: a", "new run line"), LastWords.of(output, 10));
    }

    @Test
    void plainOutputKeepsItsLastLines() {
        List<String> output = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            output.add("line " + i);
        }
        assertEquals(List.of("...", "line 18", "line 19", "line 20"), LastWords.of(output, 3));
    }
}
