package dev.mags.agent.network;

import dev.mags.agent.process.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The slirp4netns command line: user-mode NAT for one network namespace, joined through the pid of a
 * process inside it. It creates {@link #TAP} there (address {@link #GUEST}, default route via
 * {@link #GATEWAY}, DNS at {@link #NAMESERVER}) and relays the sandbox's connections through
 * ordinary sockets of its own on the host.
 *
 * <ul>
 *   <li>{@code --disable-host-loopback}: {@link #GATEWAY} does not lead to the host's 127.0.0.1.</li>
 *   <li>{@code --enable-sandbox --enable-seccomp}: after setup slirp4netns keeps only
 *       CAP_NET_BIND_SERVICE, sees an empty root with the host's /etc, and runs under a syscall
 *       filter. It parses untrusted packets as host root, so a libslirp bug must not become a host
 *       compromise.</li>
 *   <li>{@code --api-socket}: port forwards are added at run time ({@link SlirpApi}). Its path lies in
 *       the sandbox's directory, which labels the process with its sandbox for {@link NetworkReaper}.</li>
 * </ul>
 *
 * Readiness is the API socket answering: slirp4netns binds it after the tap device is configured and
 * serves it from its main loop. ({@code --ready-fd} would need a descriptor the JDK cannot pass.)
 * The tap descriptor keeps the namespace alive, so slirp4netns does not exit when the sandbox's
 * processes do: whoever started it must kill it.
 */
public final class Slirp4netns {
    public static final String BINARY = "slirp4netns";
    public static final Cidr NETWORK = Cidr.parse("10.0.2.0/24");
    public static final String GATEWAY = "10.0.2.2";
    public static final String NAMESERVER = "10.0.2.3";
    public static final String GUEST = "10.0.2.100";
    public static final String TAP = "tap0";
    public static final int MTU = 65520;
    static final String API_SOCKET_OPTION = "--api-socket";

    private final ProcessLauncher launcher;
    private final String binary;

    public Slirp4netns(ProcessLauncher launcher) {
        this(launcher, BINARY);
    }

    public Slirp4netns(ProcessLauncher launcher, String binary) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.binary = Objects.requireNonNull(binary, "binary");
    }

    public List<String> argv(long pid, Path apiSocket) {
        return List.of(binary, "--configure", "--mtu=" + MTU, "--disable-host-loopback",
                "--enable-sandbox", "--enable-seccomp", API_SOCKET_OPTION, apiSocket.toString(),
                Long.toString(pid), TAP);
    }

    /** Starts slirp4netns for the namespace of {@code pid}; its output is drained in the background. */
    public SlirpProcess start(long pid, Path apiSocket) {
        List<String> argv = argv(pid, apiSocket);
        try {
            return new SlirpProcess(argv, launcher.start(argv));
        } catch (IOException e) {
            throw new NetworkException("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The API socket of a slirp4netns command line, if {@code argv} is one ({@code argv[0]} named
     * slirp4netns). Both {@code --api-socket PATH} and {@code --api-socket=PATH} are understood.
     */
    public static Optional<Path> apiSocketOf(List<String> argv) {
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        Path program = Path.of(argv.get(0)).getFileName(); // null for "/": any process may name itself so
        if (program == null || !program.toString().equals(BINARY)) {
            return Optional.empty();
        }
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals(API_SOCKET_OPTION) && i + 1 < argv.size()) {
                return Optional.of(Path.of(argv.get(i + 1)));
            }
            if (arg.startsWith(API_SOCKET_OPTION + "=")) {
                return Optional.of(Path.of(arg.substring(API_SOCKET_OPTION.length() + 1)));
            }
        }
        return Optional.empty();
    }
}
