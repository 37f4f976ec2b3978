package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.mags.agent.process.CommandFailedException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a loop mount goes on when the kernel says a device is busy, over a recording C library: the real calls
 * are in {@link KernelMountCallsIT}; a busy answer cannot be caused on purpose there.
 */
class KernelMountCallsTest {
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;
    private static final Path FILE = Path.of("/data/sandbox-disks/s.img");
    private static final Path TARGET = Path.of("/data/sandboxes/s/disk");

    @Test
    void aMountRefusedAsBusyIsMadeAgainOnAnotherDeviceAfterTheFirstIsLetGo() {
        FakeLibC libc = new FakeLibC();
        libc.mountAnswers.add(EBUSY);
        new KernelMountCalls(libc).mountLoop(FILE, TARGET, "ext4", "nosuid,nodev");

        assertThat(libc.mounted).containsExactly("/dev/loop0", "/dev/loop1");
        // the first device's descriptor is closed (auto-clear frees it) before the second is asked for
        assertThat(libc.events).containsSubsequence("mount /dev/loop0", "close /dev/loop0", "get-free", "mount /dev/loop1");
        assertThat(libc.open).as("descriptors left open").isEmpty();
    }

    @Test
    void anAttachThatLosesTheDeviceToAnotherGoesOnToTheNextFreeOne() {
        FakeLibC libc = new FakeLibC();
        libc.configureAnswers.add(EBUSY);
        new KernelMountCalls(libc).mountLoop(FILE, TARGET, "ext4", "nosuid");

        assertThat(libc.mounted).containsExactly("/dev/loop1");
        assertThat(libc.open).isEmpty();
    }

    @Test
    void aMountBusyEveryTimeFailsNamingTheStepAndLeavesNothingOpen() {
        FakeLibC libc = new FakeLibC();
        for (int i = 0; i < 10; i++) {
            libc.mountAnswers.add(EBUSY);
        }
        assertThatThrownBy(() -> new KernelMountCalls(libc).mountLoop(FILE, TARGET, "ext4", "nosuid"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("mount(2) -t ext4 -o loop,nosuid " + FILE)
                .hasMessageContaining("errno 16")
                .hasMessageContaining("mounting /dev/loop4 (attempt 5)");
        assertThat(libc.mounted).hasSize(5);
        assertThat(libc.open).isEmpty();
    }

    @Test
    void anotherErrorOfTheMountIsNotRetried() {
        FakeLibC libc = new FakeLibC();
        libc.mountAnswers.add(EINVAL); // not a file system of that type
        assertThatThrownBy(() -> new KernelMountCalls(libc).mountLoop(FILE, TARGET, "ext4", "nosuid"))
                .hasMessageContaining("errno 22").hasMessageContaining("mounting /dev/loop0 (attempt 1)");
        assertThat(libc.mounted).hasSize(1);
        assertThat(libc.open).isEmpty();
    }

    @Test
    void anAttachFailingOtherwiseNamesTheDevice() {
        FakeLibC libc = new FakeLibC();
        libc.configureAnswers.add(EINVAL);
        assertThatThrownBy(() -> new KernelMountCalls(libc).mountLoop(FILE, TARGET, "ext4", "nosuid"))
                .hasMessageContaining("attaching the file to /dev/loop0 (try 1)");
        assertThat(libc.mounted).isEmpty();
        assertThat(libc.open).isEmpty();
    }

    /**
     * Devices as the loop driver hands them out: the lowest one not taken; an attach takes it (this fake never
     * frees one, so each attach in a test is on a device of its own).
     */
    private static final class FakeLibC implements KernelMountCalls.LibC {
        final Deque<Integer> mountAnswers = new ArrayDeque<>();
        final Deque<Integer> configureAnswers = new ArrayDeque<>();
        final List<String> mounted = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final Map<Integer, String> open = new HashMap<>();
        final List<Integer> attached = new ArrayList<>();
        private int nextFd = 10;

        @Override
        public int mount(String source, String target, String type, long flags, String data) {
            events.add("mount " + source);
            mounted.add(source);
            Integer answer = mountAnswers.poll();
            if (answer != null) {
                throw new LastErrorException(answer);
            }
            return 0;
        }

        @Override
        public int umount2(String target, int flags) {
            return 0;
        }

        @Override
        public int open(String path, int flags) {
            int fd = nextFd++;
            open.put(fd, path);
            return fd;
        }

        @Override
        public int close(int fd) {
            String path = open.remove(fd);
            events.add("close " + path);
            return 0;
        }

        @Override
        public int ioctl(int fd, long request, Pointer arg) {
            if (request == 0x4C82) { // LOOP_CTL_GET_FREE
                events.add("get-free");
                int n = 0;
                while (attached.contains(n)) {
                    n++;
                }
                return n;
            }
            String device = open.get(fd);
            int n = Integer.parseInt(device.substring("/dev/loop".length()));
            attached.add(n); // taken, by us or, when the answer is busy, by the attach that won it
            Integer answer = configureAnswers.poll();
            if (answer != null) {
                throw new LastErrorException(answer);
            }
            return 0;
        }

        @Override
        public int mknod(String path, int mode, long dev) {
            return 0;
        }
    }
}
