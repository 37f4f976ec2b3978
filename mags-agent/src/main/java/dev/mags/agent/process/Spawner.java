package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code posix_spawnp} with the child's descriptors 0, 1, 2 and any number after them taken from the agent's
 * own (the JDK's {@link ProcessBuilder} gives a child three, as pipes the JDK closes when the child exits),
 * and every other descriptor closed in the child ({@code posix_spawn_file_actions_addclosefrom_np}, glibc
 * 2.34): the JVM's descriptors are not all close-on-exec. The child is the agent's to wait for
 * ({@link Spawned#waitFor}); the JDK's reaper waits only for the processes it started itself.
 */
final class Spawner {
    /** Bytes of glibc's posix_spawn_file_actions_t (80 on LP64), with room to spare. */
    private static final int FILE_ACTIONS_BYTES = 256;
    /** Source descriptors are moved at or above this number first, so that no dup2 overwrites a later source. */
    private static final int HIGH_FD = 64;

    private Spawner() {}

    static Spawned spawn(List<String> argv, List<Fd> childFds) throws IOException {
        List<Integer> moved = new ArrayList<>();
        Memory actions = new Memory(FILE_ACTIONS_BYTES);
        actions.clear();
        check("posix_spawn_file_actions_init", NativeIo.posix_spawn_file_actions_init(actions));
        try {
            for (int target = 0; target < childFds.size(); target++) {
                int source = childFds.get(target).number();
                if (source < HIGH_FD) {
                    source = NativeIo.fcntl(source, NativeIo.F_DUPFD_CLOEXEC, HIGH_FD);
                    moved.add(source);
                }
                check("posix_spawn_file_actions_adddup2", NativeIo.posix_spawn_file_actions_adddup2(actions, source, target));
            }
            check("posix_spawn_file_actions_addclosefrom_np",
                    NativeIo.posix_spawn_file_actions_addclosefrom_np(actions, childFds.size()));
            int[] pid = new int[1];
            StringArray args = new StringArray(argv.toArray(String[]::new), "UTF-8");
            StringArray env = new StringArray(environment(), "UTF-8");
            check("posix_spawnp " + argv.get(0), NativeIo.posix_spawnp(pid, argv.get(0), actions, null, args, env));
            return new Child(pid[0]);
        } catch (LastErrorException e) {
            throw new IOException("cannot start " + argv.get(0) + ": errno " + e.getErrorCode(), e);
        } finally {
            NativeIo.posix_spawn_file_actions_destroy(actions);
            moved.forEach(NativeIo::closeQuietly);
        }
    }

    private static String[] environment() {
        return System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static void check(String call, int error) throws IOException {
        if (error != 0) {
            throw new IOException(call + " failed: errno " + error);
        }
    }

    private record Child(long pid) implements Spawned {
        @Override
        public int waitFor() throws InterruptedException {
            int[] status = new int[1];
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                try {
                    NativeIo.waitpid((int) pid, status, 0);
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != NativeIo.EINTR) {
                        throw new IllegalStateException("waitpid(" + pid + ") failed: errno " + e.getErrorCode(), e);
                    }
                }
            }
            int s = status[0];
            return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
        }
    }
}
