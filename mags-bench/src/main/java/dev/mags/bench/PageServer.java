package dev.mags.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server of the URL figures' page ({@code hello\n} on port {@link #PORT}).
 *
 * @param connections how many connections the request-rate figures keep busy: fewer than the server's listen
 *                    backlog, past which its queue overflows and a dropped SYN costs a second (a server that ends
 *                    the connection after every answer is connected to again for every request)
 * @param startProbe  a command that prints, in microseconds, how long the server takes to listen, started inside
 *                    the sandbox (null: not measured; busybox's is a millisecond)
 */
record PageServer(String name, String command, int connections, String startProbe) {
    static final int PORT = 8080;
    private static final String BUSYBOX_HTTPD = "mkdir -p /root/www && printf 'hello\\n' > /root/www/index.html"
            + " && exec httpd -f -p " + PORT + " -h /root/www";

    /**
     * The server of the seeds' example as they type it, {@code python3 -m http.server 8080} (HTTP/1.0: a
     * connection per request; its backlog is 5), serving the page as a file; busybox httpd where the image has no
     * Python.
     */
    static PageServer seeds(Path rootfs) {
        if (Files.isExecutable(rootfs.resolve("usr/bin/python3"))) {
            return new PageServer("python3 -m http.server 8080 (the seeds' example server, as they type it)", "mkdir -p /root/www && printf"
                    + " 'hello\\n' > /root/www/index.html && cd /root/www && exec python3 -m http.server " + PORT, 4,
                    null);
        }
        return busybox();
    }

    /**
     * The cheapest page server of the image, so that the proxy's own cost shows the most: Node.js's {@code http}
     * module with keep-alive where the image has it (debian), else busybox httpd (its backlog is 9).
     */
    static PageServer tiny(Path rootfs) {
        if (Files.isExecutable(rootfs.resolve("usr/bin/node"))) {
            return new PageServer("Node.js (http module, keep-alive)", "exec node -e 'require(\"http\").createServer("
                    + "(q, s) => s.end(\"hello\\n\")).listen(" + PORT + ")'", 8, "s=$(date +%s%N); node -e"
                    + " 'require(\"http\").createServer().listen(" + (PORT + 1) + ", () => process.exit(0))';"
                    + " echo $((($(date +%s%N) - s) / 1000))");
        }
        return busybox();
    }

    private static PageServer busybox() {
        return new PageServer("busybox httpd (a connection per request)", BUSYBOX_HTTPD, 8, null);
    }
}
