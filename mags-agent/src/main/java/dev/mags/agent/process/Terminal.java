package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/** The master side of a process's terminal: what the process prints is read here, what it reads is written here. */
public final class Terminal {
    private Terminal() {}

    /** Sets the terminal's window size; the kernel sends SIGWINCH to its foreground process group. */
    public static void resize(Fd master, int cols, int rows) throws IOException {
        try {
            NativeIo.ioctl(master.number(), NativeIo.TIOCSWINSZ, new short[] {(short) rows, (short) cols, 0, 0});
        } catch (LastErrorException e) {
            throw new IOException("cannot resize the terminal: errno " + e.getErrorCode(), e);
        }
    }
}
