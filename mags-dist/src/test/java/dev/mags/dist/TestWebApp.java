package dev.mags.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The web app of the public-URL tests ({@code apps/app.py}, Python's standard library only): a page that echoes
 * through a WebSocket, server-sent events paced by a file, and 100 MB uploads and downloads. A job's script
 * writes it into the sandbox with a heredoc and runs it, as a user would paste it.
 */
final class TestWebApp {
    /** The file whose existence lets {@code /events} send its second event. */
    static final String SSE_GO = "/tmp/sse-go";

    private TestWebApp() {}

    /** A script that writes the app to {@code /root/app.py} and serves it on {@code port}. */
    static String script(int port) {
        String app = source();
        if (app.contains("\nMAGS_APP_EOF")) {
            throw new IllegalStateException("app.py contains the heredoc's end marker");
        }
        return "cat > /root/app.py <<'MAGS_APP_EOF'\n" + app + "MAGS_APP_EOF\nexec python3 /root/app.py " + port + "\n";
    }

    private static String source() {
        try (InputStream in = TestWebApp.class.getResourceAsStream("apps/app.py")) {
            if (in == null) {
                throw new IllegalStateException("apps/app.py is missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
