package dev.mags.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server of the URL figures' page ({@code hello\n} on port {@link #PORT}): Node.js where the image has it
 * (debian), else busybox httpd.
 *
 * @param startProbe a command that prints, in microseconds, how long the server takes to listen, started
 *                   inside the sandbox (null: not measured; busybox's is a millisecond)
 */
record PageServer(String name, String command, String startProbe) {
    static final int PORT = 8080;

    static PageServer of(Path rootfs) {
        if (Files.isExecutable(rootfs.resolve("usr/bin/node"))) {
            return new PageServer("Node.js (http module, keep-alive)", "exec node -e 'require(\"http\").createServer("
                    + "(q, s) => s.end(\"hello\\n\")).listen(" + PORT + ")'", "s=$(date +%s%N); node -e"
                    + " 'require(\"http\").createServer().listen(" + (PORT + 1) + ", () => process.exit(0))';"
                    + " echo $((($(date +%s%N) - s) / 1000))");
        }
        return new PageServer("busybox httpd (a connection per request)", "mkdir -p /root/www && printf 'hello\\n' >"
                + " /root/www/index.html && exec httpd -f -p " + PORT + " -h /root/www", null);
    }
}
