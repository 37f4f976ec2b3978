package dev.mags.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx as a reverse proxy in front of a sandbox's server, inside the sandbox's network namespace (entered with
 * nsenter): the floor of the proxy figures. A C proxy on the same path does the same work as magsd's (two more
 * TCP hops per request, a parse of each head), so its rate is what a proxy can reach on this machine while the
 * client and the app share its cores. A worker per core (nginx's {@code auto}), connections to the app kept
 * alive, as magsd keeps them.
 */
final class NginxProxy implements AutoCloseable {
    static final String BINARY = "/usr/sbin/nginx";

    private final Process process;

    private NginxProxy(Process process) {
        this.process = process;
    }

    static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** nginx listening on {@code listenPort} of the namespace of process {@code initPid}, proxying to {@code appPort}. */
    static NginxProxy start(long initPid, Path dir, int listenPort, int appPort) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes auto;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    upstream app { server 127.0.0.1:%3$d; keepalive 32; }
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            proxy_pass http://app;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header X-Forwarded-For $remote_addr;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """.formatted(dir, listenPort, appPort));
        Process p = new ProcessBuilder(List.of("nsenter", "--net=/proc/" + initPid + "/ns/net", BINARY, "-c",
                conf.toString(), "-g", "daemon off;")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile()).start();
        return new NginxProxy(p);
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's master stops its workers
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
