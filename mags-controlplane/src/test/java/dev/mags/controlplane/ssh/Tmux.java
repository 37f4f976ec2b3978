package dev.mags.controlplane.ssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A tmux server of its own (socket in a temp dir) driving a terminal program, as a person at a keyboard would. */
final class Tmux implements AutoCloseable {
    /** A guard against a test that would otherwise hang; the screens awaited appear within a second or two. */
    private static final long GUARD_MILLIS = 60_000;
    private static final long POLL_MILLIS = 50;

    private final GatewayFixture gw;
    private final Path socket;

    Tmux(GatewayFixture gw, Path dir) {
        this.gw = gw;
        this.socket = dir.resolve("tmux.sock");
    }

    /** Starts {@code command} (a shell line) in a detached window of {@code cols} x {@code rows}. */
    void start(String command, int cols, int rows) {
        tmux("new-session", "-d", "-s", "t", "-x", Integer.toString(cols), "-y", Integer.toString(rows), command);
    }

    void type(String text) {
        tmux("send-keys", "-t", "t", "-l", text);
        tmux("send-keys", "-t", "t", "Enter");
    }

    void resize(int cols, int rows) {
        tmux("resize-window", "-t", "t", "-x", Integer.toString(cols), "-y", Integer.toString(rows));
    }

    String screen() {
        return tmux("capture-pane", "-p", "-t", "t").out();
    }

    /** Waits until the screen shows what {@code shows} looks for; fails with the screen when it never does. */
    String await(String what, Predicate<String> shows) {
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
    String awaitFile(Path file) {
        long deadline = System.currentTimeMillis() + GUARD_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(file) ? GatewayFixture.read(file) : "";
            if (text.endsWith("\n")) {
                return text;
            }
            pause();
        }
        throw new AssertionError(file + " was never written; the screen shows:\n" + screen());
    }

    private GatewayFixture.Run tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        GatewayFixture.Run run = gw.run(cmd, null);
        if (run.exit() != 0) {
            throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + run.err());
        }
        return run;
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
        gw.run(List.of("tmux", "-S", socket.toString(), "kill-server"), null);
    }
}
