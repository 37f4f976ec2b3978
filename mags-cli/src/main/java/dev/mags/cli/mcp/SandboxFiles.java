package dev.mags.cli.mcp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reading and writing a sandbox's files through exec: the bytes travel base64-encoded ({@code base64} and
 * {@code base64 -d} are in every image, busybox included), so any content survives the JSON text of the route.
 */
final class SandboxFiles {
    /** What a write may carry: exec's stdin is one JSON string, and the server bounds request bodies. */
    static final int MAX_WRITE_BYTES = 4 * 1024 * 1024;

    interface Exec {
        ExecAnswer run(String command, String stdin);
    }

    private SandboxFiles() {}

    /** {@code s} as one word for {@code sh}: in single quotes, each {@code '} written as {@code '\''}. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static ToolAnswer read(String path, ExecAnswer a) {
        if (a.exitCode() == null || a.exitCode() != 0) {
            return ToolAnswer.failed("cannot read " + path + ": " + (a.stderr().isBlank() ? a.message() : a.stderr().strip()));
        }
        if (a.truncated()) {
            return ToolAnswer.failed(path + " is larger than what one exec answer carries; read parts of it with exec"
                    + " (e.g. head -c, tail -c, sed -n)");
        }
        byte[] bytes = Base64.getMimeDecoder().decode(a.stdout());
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return ToolAnswer.ok(text, Map.of("path", path, "bytes", bytes.length, "encoding", "utf-8", "content", text));
        } catch (CharacterCodingException e) {
            String b64 = Base64.getEncoder().encodeToString(bytes);
            return ToolAnswer.ok(path + " is not UTF-8 text (" + bytes.length + " bytes); base64:\n" + b64,
                    Map.of("path", path, "bytes", bytes.length, "encoding", "base64", "content", b64));
        }
    }

    static ToolAnswer write(String path, String content, Exec exec) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_WRITE_BYTES) {
            return ToolAnswer.failed("content of " + bytes.length + " bytes is more than write_file takes ("
                    + MAX_WRITE_BYTES + "); write it in parts, appending with exec");
        }
        String q = quote(path);
        ExecAnswer a = exec.run("mkdir -p \"$(dirname " + q + ")\" && base64 -d > " + q,
                Base64.getEncoder().encodeToString(bytes));
        if (a.exitCode() == null || a.exitCode() != 0) {
            return ToolAnswer.failed("cannot write " + path + ": " + (a.stderr().isBlank() ? a.message() : a.stderr().strip()));
        }
        return ToolAnswer.ok("wrote " + bytes.length + " bytes to " + path);
    }
}
