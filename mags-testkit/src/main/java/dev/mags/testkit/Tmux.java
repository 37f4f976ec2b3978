package dev.mags.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A tmux server of its own (socket in a temp dir) driving a terminal program, as a person at a keyboard would. */
public final class Tmux implements AutoCloseable {
    /** A guard against a test that would otherwise hang; the screens awaited appear within a second or two. */
    private static final long GUARD_MILLIS = 60_000;
    private static final long POLL_MILLIS = 50;

    private final Path dir;
    private final Path socket;

    public Tmux(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("tmux.sock");
    }

    /** Starts {@code command} (a shell line) in a detached window of {@code cols} x {@code rows}. */
    public void start(String command, int cols, int rows) {
        tmux("new-session", "-d", "-s", "t", "-x", Integer.toString(cols), "-y", Integer.toString(rows), command);
    }

    public void type(String text) {
        tmux("send-keys", "-t", "t", "-l", text);
        tmux("send-keys", "-t", "t", "Enter");
    }

    /** Presses keys by tmux's names, e.g. {@code C-c}. */
    public void keys(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    public void resize(int cols, int rows) {
        tmux("resize-window", "-t", "t", "-x", Integer.toString(cols), "-y", Integer.toString(rows));
    }

    public String screen() {
        return tmux("capture-pane", "-p", "-t", "t").out();
    }

    /** Waits until the screen shows what {@code shows} looks for; fails with the screen when it never does. */
    public String await(String what, Predicate<String> shows) {
        long deadline = System.currentTimeMillis() + GUARD_MILLIS;
        String screen = "";
        while (System.currentTimeMillis() < deadline) {
            screen = screen();
            if (shows.test(screen)) {
                return screen;
            }
            pause();
        }
        throw new AssertionError("the screen never showed " + what + "; it shows:\n" + screen);
    }

    /** Waits until {@code file} exists and is not empty; returns its text. */
    public String awaitFile(Path file) {
        long deadline = System.currentTimeMillis() + GUARD_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(file) ? read(file) : "";
            if (text.endsWith("\n")) {
                return text;
            }
            pause();
        }
        throw new AssertionError(file + " was never written; the screen shows:\n" + screen());
    }

    private Run tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        Run run = run(cmd);
        if (run.exit() != 0) {
            throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + run.err());
        }
        return run;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Run(int exit, String out, String err) {}

    private Run run(List<String> command) {
        try {
            Path out = Files.createTempFile(dir, "tmux-out", "");
            Path err = Files.createTempFile(dir, "tmux-err", "");
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                    "/dev/null"))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = p.waitFor();
            Run run = new Run(exit, Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run(List.of("tmux", "-S", socket.toString(), "kill-server"));
    }
}
