package dev.mags.cli.mcp;

import java.util.Map;

/**
 * What a tool answers: text for the model, the same facts as a JSON object for clients that read structured
 * content (null when there are none), and whether the call failed.
 */
record ToolAnswer(String text, Map<String, Object> structured, boolean error) {
    static ToolAnswer ok(String text) {
        return new ToolAnswer(text, null, false);
    }

    static ToolAnswer ok(String text, Map<String, Object> structured) {
        return new ToolAnswer(text, structured, false);
    }

    static ToolAnswer failed(String text) {
        return new ToolAnswer(text, null, true);
    }
}
