package dev.mags.agent.security;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.ProcessLauncher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes the user namespace a sandbox's container joins, one level below a user namespace of the
 * sandbox's own that holds its {@link InotifyLimits}.
 *
 * <p>Why two levels: the kernel counts inotify instances and watches per user at every level of user
 * namespaces, with each level's limit ({@code /proc/sys/user/max_inotify_*} of that namespace). In the
 * namespace a process runs in, it counts per uid; one level up, everything of a child namespace is
 * counted against the uid that created it. A limit set in the container's own namespace would bound each
 * of its uids alone, and the sandbox's root can switch to as many uids as it likes (CAP_SETUID), each
 * with a full quota. The namespace above it is the sandbox's alone and counts all of its uids together,
 * so its limit bounds the sandbox. The host sees one uid, root, for all of them (its limits:
 * {@code HostInotifyLimits}). The sandbox cannot change its limits: it holds no capability in the
 * namespace above its own.
 *
 * <p>The program is the host's static busybox (the one each sandbox's init runs), as host root:
 * <ol>
 *   <li>{@code unshare -U} makes the outer namespace and reports it (an empty line). The agent maps
 *       host root and the sandboxes' ids into it unchanged ({@code 0 0 1}, {@code start start size}) and
 *       says {@code go}; the shell executes itself again, now as root of that namespace with all its
 *       capabilities (a shell started while its uid was unmapped has none).</li>
 *   <li>It sets the outer namespace's limits, starts a child there with {@code unshare -U} (the
 *       sandbox's namespace), maps the sandbox's ids into it ({@code 0 start size}, so the container sees
 *       the same mapping as a namespace of the runtime's own would give it) and prints the child's pid.
 *       The container joins {@code /proc/<pid>/ns/user}.</li>
 *   <li>The child waits on the agent's pipe; once the container runs, {@link UserNamespaceHolder#close()}
 *       closes it and both processes end. The namespaces live on as long as the container does.</li>
 * </ol>
 * If the agent dies meanwhile, the pipe closes just the same: nothing is left behind.
 */
public final class SandboxUserNamespaces {
    /** A few milliseconds normally; seconds when many sandboxes start at once on a small host. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** What the processes are called in {@code ps}. */
    static final String NAME = "mags-userns";
    /** Step 1, in the new, still unmapped outer namespace. */
    static final String UNMAPPED = "echo && read -r go && exec \"$@\"";
    /** Step 2, as root of the outer namespace: $1 busybox, $2 instances, $3 watches, $4 first id, $5 ids. */
    static final String MAPPED = """
            echo "$2" > /proc/sys/user/max_inotify_instances && echo "$3" > /proc/sys/user/max_inotify_watches || exit 1
            "$1" unshare -U "$1" sh -c 'echo $$ && read -r eof' | {
              read -r pid || exit 1
              if echo "0 $4 $5" > "/proc/$pid/uid_map" && echo "0 $4 $5" > "/proc/$pid/gid_map"; then
                echo "$pid"
              else
                kill "$pid"; exit 1
              fi
            }""";

    private final ProcessLauncher launcher;
    private final Path busybox;
    private final IdMapping mapping;
    private final InotifyLimits limits;
    private final Path proc;
    private final Duration timeout;

    public SandboxUserNamespaces(ProcessLauncher launcher, Path busybox, IdMapping mapping, InotifyLimits limits) {
        this(launcher, busybox, mapping, limits, Path.of("/proc"), TIMEOUT);
    }

    /** @param proc normally {@code /proc}: where the outer namespace's id maps are written, and the path joined */
    public SandboxUserNamespaces(ProcessLauncher launcher, Path busybox, IdMapping mapping, InotifyLimits limits,
            Path proc, Duration timeout) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.busybox = Objects.requireNonNull(busybox, "busybox");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.proc = Objects.requireNonNull(proc, "proc");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public InotifyLimits limits() {
        return limits;
    }

    public List<String> argv() {
        String bb = busybox.toString();
        return List.of(bb, "unshare", "-U", bb, "sh", "-c", UNMAPPED, NAME,
                bb, "sh", "-c", MAPPED, NAME, bb, Long.toString(limits.instances()), Long.toString(limits.watches()),
                Long.toString(mapping.start()), Long.toString(mapping.size()));
    }

    /** The outer namespace's maps: host root (to create the inner one) and the sandboxes' ids, both unchanged. */
    String outerMap() {
        return "0 0 1\n" + mapping.start() + " " + mapping.start() + " " + mapping.size() + "\n";
    }

    /**
     * Makes a sandbox's user namespace; the caller joins {@link UserNamespaceHolder#path()}, then closes the
     * holder.
     *
     * @throws CommandFailedException if busybox cannot be started, fails or does not answer in time;
     *     nothing is left running then
     */
    public UserNamespaceHolder create() {
        List<String> argv = argv();
        Process holder;
        try {
            holder = launcher.startWithInput(argv);
        } catch (IOException e) {
            throw new CommandFailedException(argv, null, "", "could not start it: " + e.getMessage(), e);
        }
        UserNamespaceHolder held = new UserNamespaceHolder(holder, timeout, proc);
        CountDownLatch answered = new CountDownLatch(1);
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread.ofVirtual().name("userns-watchdog-" + holder.pid()).start(() -> {
            try {
                if (!answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    held.kill(); // ends the reads below with EOF
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            if (!"".equals(out.readLine())) {
                throw failed(argv, held, timedOut, "it did not make the outer user namespace");
            }
            Path outer = proc.resolve(Long.toString(holder.pid()));
            byte[] map = outerMap().getBytes(StandardCharsets.US_ASCII);
            // One write each, as the kernel demands of an id map.
            Files.write(outer.resolve("uid_map"), map, StandardOpenOption.WRITE);
            Files.write(outer.resolve("gid_map"), map, StandardOpenOption.WRITE);
            OutputStream in = holder.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            String pid = out.readLine();
            if (pid == null || !pid.matches("[0-9]{1,10}")) {
                throw failed(argv, held, timedOut, "it did not make the sandbox's user namespace");
            }
            answered.countDown();
            Path path = proc.resolve(pid).resolve("ns/user");
            held.joinable(path, Files.readSymbolicLink(path).toString());
            return held;
        } catch (IOException e) {
            throw failed(argv, held, timedOut, e.toString());
        } finally {
            answered.countDown();
        }
    }

    /**
     * Starts {@link #create()} on a thread of its own, so that the few milliseconds of busybox run beside
     * other work (a sandbox's disk and root file system); {@link Pending#await()} returns the namespace.
     */
    public Pending createAsync(String name) {
        FutureTask<UserNamespaceHolder> task = new FutureTask<>(this::create);
        Thread.ofVirtual().name("userns-" + name).start(task);
        return new Pending(task);
    }

    /** A namespace being made. Closing it closes its holder, once made; closing twice is harmless. */
    public static final class Pending implements AutoCloseable {
        private final FutureTask<UserNamespaceHolder> task;

        Pending(FutureTask<UserNamespaceHolder> task) {
            this.task = task;
        }

        /**
         * Waits for the namespace.
         *
         * @throws CommandFailedException as {@link #create()}
         */
        public UserNamespaceHolder await() {
            try {
                return task.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException("making a user namespace failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while a user namespace was made", e);
            }
        }

        /** Waits until it is made or has failed. */
        void awaitQuietly() {
            try {
                task.get();
            } catch (ExecutionException e) {
                // failed: usable() says so
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Still being made, or made with its holder alive: one that failed or whose holder died is of no use. */
        boolean usable() {
            if (!task.isDone()) {
                return true;
            }
            try {
                return task.get().alive();
            } catch (ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void close() {
            if (task.isDone()) {
                closeMade();
            } else { // still being made (the build failed early, or was interrupted): close it once it is
                Thread.ofVirtual().name("userns-close").start(this::closeMade);
            }
        }

        private void closeMade() {
            try {
                task.get().close();
            } catch (ExecutionException e) {
                // it failed: nothing of it is left running
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads what the holder said (a holder that failed ends by itself), then kills whatever is left of it. */
    private CommandFailedException failed(List<String> argv, UserNamespaceHolder held, AtomicBoolean timedOut, String why) {
        String stderr = held.stderr();
        held.kill();
        return new CommandFailedException(argv, null, stderr,
                timedOut.get() ? "no answer within " + timeout.toMillis() + " ms, killed" : why, null);
    }
}
