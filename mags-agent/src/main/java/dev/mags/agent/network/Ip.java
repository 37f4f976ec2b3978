package dev.mags.agent.network;

import dev.mags.agent.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code ip} (iproute2) run inside a sandbox's network namespace, entered through the pid of a
 * process in it with {@code nsenter --net}. Only the network namespace is entered: {@code ip} runs
 * as host root, which holds CAP_NET_ADMIN over every namespace, and reads files from the host.
 */
public final class Ip {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandRunner runner;

    public Ip(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    public static List<String> batchArgv(long pid, Path batchFile) {
        return List.of("nsenter", "--target", Long.toString(pid), "--net", "--", "ip", "-batch", batchFile.toString());
    }

    /** Runs every line of {@code batchFile} ({@code ip} commands without the leading "ip"); stops at the first failure. */
    public void batch(long pid, Path batchFile) {
        runner.run(batchArgv(pid, batchFile), TIMEOUT);
    }
}
