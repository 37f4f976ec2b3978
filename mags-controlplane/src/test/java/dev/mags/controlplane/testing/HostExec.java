package dev.mags.controlplane.testing;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExecStream;
import dev.mags.protocol.v2.PtySize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A process of {@link HostSandbox}: pipes, or a terminal from pty4j; its output read on platform threads. Its
 * timeout kills the process itself (SIGKILL), as signals go to it alone.
 */
public final class HostExec implements Exec {
    /** Names of the threads that read a process's output and hand it to the listener. */
    public static final String READER_PREFIX = "host-exec-";
    /** The most one listener call carries. */
    public static final int READ_SIZE = 8192;

    private final Process process;
    private final OutputStream stdin;
    private final CompletableFuture<ExecExit> exit = new CompletableFuture<>();
    private volatile boolean timedOut;

    private HostExec(Process process, boolean stdin) {
        this.process = process;
        this.stdin = !stdin ? null : process instanceof PtyProcess ? new WholeArrays(process.getOutputStream())
                : process.getOutputStream();
    }

    /** pty4j's stream mishandles an offset into the array: it is given whole arrays only. */
    private static final class WholeArrays extends java.io.FilterOutputStream {
        WholeArrays(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(java.util.Arrays.copyOfRange(b, off, off + len));
        }
    }

    static HostExec start(ExecSpec spec, Map<String, String> env, Path cwd, ExecListener listener) throws IOException {
        List<Thread> readers = new ArrayList<>();
        HostExec exec;
        if (spec.pty() != null) {
            PtyProcess pty = new PtyProcessBuilder(spec.argv().toArray(String[]::new)).setEnvironment(env)
                    .setDirectory(cwd.toString()).setInitialColumns(spec.pty().cols())
                    .setInitialRows(spec.pty().rows()).setConsole(false).start();
            exec = new HostExec(pty, spec.stdin());
            readers.add(reader(pty.getInputStream(), ExecStream.STDOUT, listener));
        } else {
            ProcessBuilder pb = new ProcessBuilder(spec.argv()).directory(cwd.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            if (!spec.stdin()) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            exec = new HostExec(p, spec.stdin());
            readers.add(reader(p.getInputStream(), ExecStream.STDOUT, listener));
            readers.add(reader(p.getErrorStream(), ExecStream.STDERR, listener));
        }
        HostExec started = exec;
        if (spec.timeout() != null) {
            java.util.concurrent.CompletableFuture.delayedExecutor(spec.timeout().toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
                        if (started.process.isAlive()) {
                            started.timedOut = true;
                            started.signal(9);
                        }
                    });
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                int code = started.process.waitFor();
                for (Thread r : readers) {
                    r.join();
                }
                started.exit.complete(started.timedOut ? new ExecExit(code, dev.mags.protocol.v2.ExitReason.TIMED_OUT,
                        "after " + spec.timeout().toSeconds() + " s") : ExecExit.exited(code));
            } catch (InterruptedException e) {
                started.exit.completeExceptionally(e);
            }
        });
        return exec;
    }

    private static Thread reader(InputStream in, ExecStream stream, ExecListener listener) {
        return Thread.ofPlatform().daemon().name(READER_PREFIX + stream).start(() -> {
            byte[] buffer = new byte[READ_SIZE];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    listener.output(stream, buffer, 0, n);
                }
            } catch (IOException e) {
                // a terminal reads EIO once its process has gone: the end of its output
            }
        });
    }

    @Override
    public OutputStream stdin() {
        if (stdin == null) {
            throw new IllegalStateException("started without stdin");
        }
        return stdin;
    }

    /** The last window size asked for, or null before any resize. */
    private volatile PtySize resizedTo;

    public PtySize resizedTo() {
        return resizedTo;
    }

    @Override
    public void resize(PtySize size) {
        resizedTo = size;
        if (process instanceof PtyProcess pty) {
            pty.setWinSize(new WinSize(size.cols(), size.rows()));
        }
    }

    @Override
    public void signal(int signal) {
        if (!process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableFuture<ExecExit> exit() {
        return exit;
    }
}
