package io.modelswap.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void splitsOnBlanks() {
        assertEquals(List.of("llama-server", "--port", "5800", "-m", "model.gguf"),
                CommandLine.split("  llama-server\t--port 5800   -m model.gguf  "));
    }

    @Test
    void singleQuotesAreLiteral() {
        assertEquals(List.of("echo", "a \"b\" \\n $HOME"), CommandLine.split("echo 'a \"b\" \\n $HOME'"));
    }

    @Test
    void doubleQuotesEscapeOnlyShellSpecials() {
        assertEquals(List.of("echo", "say \"hi\" \\n $x \\ `"),
                CommandLine.split("echo \"say \\\"hi\\\" \\n \\$x \\\\ \\`\""));
    }

    @Test
    void quotesJoinWithAdjacentText() {
        assertEquals(List.of("--chat-template=a b", "x'y'z"), CommandLine.split("--chat-template='a b' \"x'y'z\""));
    }

    @Test
    void emptyQuotesMakeAnEmptyArgument() {
        assertEquals(List.of("prog", "", "x"), CommandLine.split("prog '' x"));
        assertEquals(List.of("prog", ""), CommandLine.split("prog \"\""));
    }

    @Test
    void backslashOutsideQuotesEscapesTheNextCharacter() {
        assertEquals(List.of("a b", "c'd", "e\"f"), CommandLine.split("a\\ b c\\'d e\\\"f"));
    }

    @Test
    void trailingBackslashJoinsLines() {
        String cmd = """
                llama-server \\
                  --port 5800 \\
                  -m /models/a.gguf
                """;
        assertEquals(List.of("llama-server", "--port", "5800", "-m", "/models/a.gguf"), CommandLine.split(cmd));
    }

    @Test
    void trailingBackslashWithTrailingBlanksStillJoins() {
        assertEquals(List.of("a", "b"), CommandLine.split("a \\   \n  b"));
    }

    @Test
    void commentLinesAreDropped() {
        String cmd = """
                # the server
                llama-server \\
                  # --flash-attn \\
                  --port 5800
                   # trailing comment
                """;
        assertEquals(List.of("llama-server", "--port", "5800"), CommandLine.split(cmd));
    }

    @Test
    void hashStartingAWordCommentsTheRestOfTheLine() {
        assertEquals(List.of("prog", "a#b", "c"), CommandLine.split("prog a#b # a comment\nc"));
    }

    @Test
    void hashInsideQuotesIsLiteral() {
        assertEquals(List.of("prog", "# not a comment"), CommandLine.split("prog '# not a comment'"));
    }

    @Test
    void newlinesSeparateArgumentsLikeBlanks() {
        assertEquals(List.of("a", "b", "c"), CommandLine.split("a\nb\r\nc"));
    }

    @Test
    void quotedStringsMaySpanLines() {
        assertEquals(List.of("prog", "line1\nline2"), CommandLine.split("prog \"line1\nline2\""));
    }

    @Test
    void unterminatedQuotesAreErrors() {
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.split("prog 'oops"));
        assertTrue(single.getMessage().contains("unterminated single quote"), single.getMessage());
        IllegalArgumentException dbl = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.split("prog \"oops"));
        assertTrue(dbl.getMessage().contains("unterminated double quote"), dbl.getMessage());
    }

    @Test
    void emptyCommandsAreErrors() {
        for (String empty : new String[] {"", "   ", "\n\n", "# only a comment", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandLine.split(empty));
            assertTrue(e.getMessage().startsWith("empty command"), e.getMessage());
        }
    }

    @Test
    void oddTrailingBackslashIsAContinuationNotAnEscape() {
        assertEquals(List.of("prog", "\\"), CommandLine.split("prog \\\\\\"));
    }

    @Test
    void placeholdersAreNotExpanded() {
        assertEquals(List.of("kill", "-TERM", "${PID}", "$HOME"), CommandLine.split("kill -TERM ${PID} $HOME"));
    }
}
