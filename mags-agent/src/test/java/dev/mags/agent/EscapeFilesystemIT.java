package dev.mags.agent;

import static dev.mags.agent.EscapeImageRecipe.CAP_BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.SecuritySandboxes.Run;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Escape attempts through the file system: host files, the base image, kernel interfaces under /proc
 * and /sys, devices. Each asserts the specific way the attempt fails. Real runc, busybox applets.
 */
class EscapeFilesystemIT {
    private static SecuritySandboxes sandboxes;
    private static Path secret;
    private static String secretText;

    @BeforeAll
    static void setUp() throws IOException {
        sandboxes = SecuritySandboxes.create();
        secretText = "host secret " + UUID.randomUUID();
        secret = Files.writeString(sandboxes.host.base.resolve("host-secret.txt"), secretText);
        Files.setAttribute(secret, "unix:mode", 0644);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (sandboxes != null) {
            sandboxes.close();
        }
    }

    @AfterEach
    void nothingLeftBehindAndTheSecretIsIntact() throws IOException {
        assertThat(HostLeaks.scan(sandboxes.host.config)).isEmpty();
        assertThat(secret).hasContent(secretText);
    }

    private static String noSuchFile(String applet, String path) {
        return applet + ": can't open '" + path + "': No such file or directory";
    }

    @Test
    void aHostFileIsNotThereUnderItsHostPath() throws Exception {
        Run run = sandboxes.run("cat " + secret);

        assertThat(run.stderr()).containsExactly(noSuchFile("cat", secret.toString()));
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void procRootLinksLeadToTheSandboxsOwnRoot() throws Exception {
        String viaInit = "/proc/1/root" + secret;
        String viaSelf = "/proc/self/root/../../.." + secret;
        String viaCwd = "/proc/self/cwd/../../../.." + secret;
        Run run = sandboxes.run("cat " + viaInit + "; cat " + viaSelf + "; cat " + viaCwd + "; readlink /proc/1/root");

        assertThat(run.stderr()).containsExactly(noSuchFile("cat", viaInit), noSuchFile("cat", viaSelf), noSuchFile("cat", viaCwd));
        assertThat(run.stdout()).containsExactly("/");
    }

    @Test
    void dotDotStopsAtTheSandboxsRoot() throws Exception {
        String path = "../../../../../.." + secret;
        Run run = sandboxes.run("cd /tmp && cat " + path + "; cd / && cd ../../.. && pwd && ls /");

        assertThat(run.stderr()).containsExactly(noSuchFile("cat", path));
        assertThat(run.stdout()).startsWith("/").contains("bin", "etc", "proc").doesNotContain("host-secret.txt");
    }

    @Test
    void aSymlinkOrHardLinkToAHostPathResolvesInsideAndCleanupDoesNotFollowIt() throws Exception {
        Run run = sandboxes.run("ln -s " + secret + " /tmp/link; cat /tmp/link; ln " + secret + " /tmp/hard;"
                + " ln -s " + secret.getParent() + " /host-dir; ls /host-dir; echo overwritten > /tmp/link; echo done");

        assertThat(run.stderr()).containsExactly(noSuchFile("cat", "/tmp/link"),
                "ln: " + secret + ": No such file or directory",
                "ls: /host-dir: No such file or directory",
                "sh: can't create /tmp/link: nonexistent directory");
        assertThat(run.stdout()).containsExactly("done");
        // The symlinks were in the sandbox's upper layer when the agent deleted it: it did not follow them.
        assertThat(secret).exists();
        assertThat(secret.getParent().resolve("images")).isDirectory();
    }

    @Test
    void writesToTheBaseImageStayInTheSandboxAndTheImageIsUnchanged() throws Exception {
        Path image = sandboxes.imageRootfs();
        String passwd = Files.readString(image.resolve("etc/passwd"));
        String capBusybox = sha256(image.resolve(CAP_BUSYBOX.substring(1)));

        Run first = sandboxes.run("echo 'evil::0:0::/:/bin/sh' >> /etc/passwd; echo pwned > " + CAP_BUSYBOX + "; rm /bin/ls;"
                + " lower=$(sed -n 's/.*lowerdir=\\([^,]*\\).*/\\1/p' /proc/self/mountinfo | head -1); echo \"$lower\";"
                + " echo pwned > \"$lower/pwned\"; echo pwned > " + image + "/pwned; touch /pwned; echo done");
        Run second = sandboxes.run("grep -c evil /etc/passwd; " + CAP_BUSYBOX + " true && echo intact; ls /bin/ls; ls /pwned");

        // The mount table names the layers by the descriptors the agent held while it mounted them: inside, that
        // is a descriptor the shell does not have, and the image's host path is not there either.
        assertThat(first.stdout()).hasSize(2).endsWith("done");
        String lower = first.stdout().getFirst();
        assertThat(lower).matches("/proc/self/fd/[0-9]+");
        assertThat(first.stderr()).containsExactly("sh: can't create " + lower + "/pwned: nonexistent directory",
                "sh: can't create " + image + "/pwned: nonexistent directory");
        assertThat(second.stdout()).containsExactly("0", "intact", "/bin/ls");
        assertThat(second.stderr()).containsExactly("ls: /pwned: No such file or directory");
        assertThat(image.resolve("etc/passwd")).hasContent(passwd.strip());
        assertThat(sha256(image.resolve(CAP_BUSYBOX.substring(1)))).isEqualTo(capBusybox);
        assertThat(image.resolve("pwned")).doesNotExist();
        assertThat(image.resolve("bin/ls")).isSymbolicLink();
    }

    @Test
    void hostWideKernelSettingsAreReadOnly() throws Exception {
        String corePattern = SecuritySandboxes.kernelFile("/proc/sys/kernel/core_pattern");
        Run run = sandboxes.run("echo '|/tmp/evil' > /proc/sys/kernel/core_pattern; sysctl -w kernel.hostname=evil;"
                + " echo 1 > /proc/sys/vm/drop_caches; echo done");

        assertThat(run.stderr()).containsExactly(
                "sh: can't create /proc/sys/kernel/core_pattern: Read-only file system",
                "sysctl: error setting key 'kernel.hostname': Read-only file system",
                "sh: can't create /proc/sys/vm/drop_caches: Read-only file system");
        assertThat(SecuritySandboxes.kernelFile("/proc/sys/kernel/core_pattern")).isEqualTo(corePattern);
    }

    @Test
    void sysAndTheCgroupTreeAreReadOnly() throws Exception {
        Run run = sandboxes.run("echo /tmp/evil > /sys/kernel/uevent_helper; mkdir /sys/fs/cgroup/memory/escape;"
                + " echo 1 > /sys/fs/cgroup/memory/notify_on_release; echo done");

        // the classic cgroup v1 escape writes release_agent in a new cgroup: neither can be created
        assertThat(run.stderr()).containsExactly(
                "sh: can't create /sys/kernel/uevent_helper: Read-only file system",
                "mkdir: can't create directory '/sys/fs/cgroup/memory/escape': Read-only file system",
                "sh: can't create /sys/fs/cgroup/memory/notify_on_release: Read-only file system");
    }

    @Test
    void theTmpfsHoldingTheCgroupMountsCannotBeWrittenAndShowsTheSandboxsOwnLimits() throws Exception {
        // On cgroup v1 the runtime mounts a tmpfs as large as half the host's memory on /sys/fs/cgroup to hold
        // the controllers' mounts; written, it filled the host's memory up to the sandbox's limit.
        Run run = sandboxes.run("dd if=/dev/zero of=/sys/fs/cgroup/fill bs=1M count=8 2>&1 | head -1;"
                + " mkdir /sys/fs/cgroup/escape; ln -s / /sys/fs/cgroup/link;"
                + " cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max");

        assertThat(run.stderr()).containsExactly(
                "mkdir: can't create directory '/sys/fs/cgroup/escape': Read-only file system",
                "ln: /sys/fs/cgroup/link: Read-only file system");
        // programs that size themselves by their cgroup (the JVM, Node) read the sandbox's limits there
        assertThat(run.stdout()).containsExactly("dd: can't open '/sys/fs/cgroup/fill': Read-only file system",
                Long.toString(SandboxLimits.DEFAULT.memoryBytes()), Long.toString(SandboxLimits.DEFAULT.pids()));
    }

    @Test
    void theSysrqTriggerCannotBeWritten() throws Exception {
        Run run = sandboxes.run("echo h > /proc/sysrq-trigger; echo done");

        // read-only where the kernel has it; this test machine's kernel may lack it altogether
        String why = Files.exists(Path.of("/proc/sysrq-trigger")) ? "Read-only file system" : "nonexistent directory";
        assertThat(run.stderr()).containsExactly("sh: can't create /proc/sysrq-trigger: " + why);
    }

    @Test
    void kernelMemoryKeysAndAddressesAreMasked() throws Exception {
        List<String> masked = List.of("/proc/kcore", "/proc/keys", "/proc/kallsyms", "/proc/timer_list", "/proc/interrupts",
                "/sys/kernel/vmcoreinfo");
        StringBuilder script = new StringBuilder();
        for (String path : masked) {
            script.append("printf '%s ' ").append(path).append("; cat ").append(path).append(" 2>/dev/null | wc -c; ");
        }
        script.append("ls -A /sys/firmware | wc -l; ls -A /sys/kernel/btf | wc -l");
        Run run = sandboxes.run(script.toString());

        // /dev/null is mounted over each file (or the file does not exist on this kernel), an empty
        // tmpfs over each directory: nothing to read
        List<String> expected = new ArrayList<>(masked.stream().map(p -> p + " 0").toList());
        expected.addAll(List.of("0", "0"));
        assertThat(run.stdout()).containsExactlyElementsOf(expected);
        assertThat(Files.readAllBytes(Path.of("/proc/interrupts"))).as("what the host sees").isNotEmpty();
    }

    @Test
    void onlyTheDefaultDevicesExist() throws Exception {
        Run run = sandboxes.run("ls -A /dev; cat /dev/kmsg; cat /dev/mem; ls /dev/vda /dev/loop0 /dev/loop-control");

        assertThat(run.stdout()).containsExactly("fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr",
                "stdin", "stdout", "tty", "urandom", "zero");
        assertThat(run.stderr()).containsExactly(noSuchFile("cat", "/dev/kmsg"), noSuchFile("cat", "/dev/mem"),
                "ls: /dev/vda: No such file or directory", "ls: /dev/loop0: No such file or directory",
                "ls: /dev/loop-control: No such file or directory");
    }

    @Test
    void aBlockDeviceNodeForTheHostDiskCannotBeMade() throws Exception {
        String device = hostRootDevice();
        Run run = sandboxes.run("mknod /tmp/disk b " + device + "; ls /tmp/disk");

        assertThat(run.stderr()).containsExactly("mknod: /tmp/disk: Operation not permitted",
                "ls: /tmp/disk: No such file or directory");
    }

    @Test
    void theHostDiskCannotBeMountedNorAnythingElse() throws Exception {
        Run run = sandboxes.run("mount /dev/vda /mnt; mount -t ext4 /dev/root /mnt; mount -t tmpfs none /mnt;"
                + " mount -t proc proc /mnt; mount --bind / /mnt; umount /proc/kcore; echo done");

        assertThat(run.stderr()).containsExactly(
                "mount: permission denied (are you root?)", "mount: permission denied (are you root?)",
                "mount: permission denied (are you root?)", "mount: permission denied (are you root?)",
                "mount: permission denied (are you root?)", "umount: can't unmount /proc/kcore: Operation not permitted");
        assertThat(run.stdout()).containsExactly("done");
    }

    /** "major minor" of the block device holding the host's root file system. */
    private static String hostRootDevice() throws IOException {
        long dev = (long) Files.getAttribute(Path.of("/"), "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return major + " " + minor;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
