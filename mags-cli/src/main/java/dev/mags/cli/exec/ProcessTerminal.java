package dev.mags.cli.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import sun.misc.Signal;

/**
 * The terminal of the CLI's process: which standard streams are terminals (read from {@code /proc/self/fd},
 * as Java has no isatty), its size and raw mode through {@link Stty}, window changes and Ctrl-C through the
 * JVM's signal handlers.
 */
public final class ProcessTerminal implements Terminal {
    @Override
    public boolean isTerminal(int fd) {
        String target = link(fd);
        return target != null && (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
                || target.equals("/dev/console"));
    }

    @Override
    public boolean stdinIsNull() {
        return "/dev/null".equals(link(0));
    }

    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public Optional<int[]> size() {
        String size = Stty.run("size");
        if (size == null || !size.matches("\\d+ \\d+")) {
            return Optional.empty();
        }
        String[] rowsCols = size.split(" ");
        int rows = Integer.parseInt(rowsCols[0]);
        int cols = Integer.parseInt(rowsCols[1]);
        return rows > 0 && cols > 0 ? Optional.of(new int[] {cols, rows}) : Optional.empty();
    }

    @Override
    public AutoCloseable raw() {
        String saved = Stty.run("-g");
        if (saved == null || Stty.run("raw", "-echo") == null) {
            return () -> { };
        }
        return () -> Stty.run(saved);
    }

    @Override
    public void onResize(Runnable action) {
        Signal.handle(new Signal("WINCH"), s -> action.run());
    }

    @Override
    public void onInterrupt(Runnable action) {
        Signal.handle(new Signal("INT"), s -> action.run());
    }
}
