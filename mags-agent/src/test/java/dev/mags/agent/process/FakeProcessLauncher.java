package dev.mags.agent.process;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Records every argv it is asked to start and answers with the process {@code responder} returns
 * (by default a process that prints nothing and exits with 0).
 */
public final class FakeProcessLauncher implements ProcessLauncher {
    private final List<List<String>> started = new ArrayList<>();
    private volatile Function<List<String>, Process> responder = argv -> FakeProcess.succeeds("");
    private volatile Spawner spawner = (argv, fds) -> {
        throw new IOException("this fake spawns nothing");
    };

    /** Answers {@link #spawn}: the argv and the child's descriptors (which the caller closes once it returns). */
    @FunctionalInterface
    public interface Spawner {
        Spawned spawn(List<String> argv, List<Fd> fds) throws IOException;
    }

    public FakeProcessLauncher spawns(Spawner spawner) {
        this.spawner = spawner;
        return this;
    }

    @Override
    public Spawned spawn(List<String> argv, List<Fd> childFds) throws IOException {
        synchronized (this) {
            started.add(List.copyOf(argv));
        }
        return spawner.spawn(argv, childFds);
    }

    public FakeProcessLauncher respond(Function<List<String>, Process> responder) {
        this.responder = responder;
        return this;
    }

    /** Every started argv, in order. */
    public synchronized List<List<String>> started() {
        return List.copyOf(started);
    }

    public synchronized List<String> last() {
        return started.get(started.size() - 1);
    }

    @Override
    public Process start(List<String> argv) throws IOException {
        synchronized (this) {
            started.add(List.copyOf(argv));
        }
        Process process = responder.apply(argv);
        if (process == null) {
            throw new IOException("Cannot run program \"" + argv.get(0) + "\": error=2, No such file or directory");
        }
        return process;
    }
}
