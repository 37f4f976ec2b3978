package dev.mags.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields we need of {@code /proc/<pid>/stat}: the command name, the state, the kernel's flags and
 * the start time (in clock ticks since boot, which tells a process from a later one that reuses its
 * pid). The name is in parentheses and may itself contain spaces and parentheses, so it ends at the last ')'.
 */
public record ProcStat(String command, char state, long flags, long startTime) {
    /** PF_EXITING: the process is on its way out (a dying PID namespace init waits so for the rest). */
    static final long EXITING = 0x4;

    /** Exiting, zombie ('Z') or dead ('X'): it has ended, or will without running another instruction. */
    public boolean isDead() {
        return state == 'Z' || state == 'X' || (flags & EXITING) != 0;
    }

    /** Whether {@code process} is alive and no zombie (ProcessHandle counts one alive until it is reaped). */
    public static boolean isRunning(ProcessHandle process) {
        return process.isAlive() && read(Path.of("/proc"), process.pid()).map(stat -> !stat.isDead()).orElse(false);
    }

    public static Optional<ProcStat> read(Path proc, long pid) {
        try {
            return Optional.of(parse(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or not a stat line
        }
    }

    static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
        }
        // After the name: state (field 3), ..., flags (field 9), ..., starttime (field 22).
        String[] rest = line.substring(close + 2).strip().split(" ");
        return new ProcStat(line.substring(open + 1, close), rest[0].charAt(0), Long.parseUnsignedLong(rest[6]),
                Long.parseLong(rest[19]));
    }
}
