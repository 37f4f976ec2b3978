package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files and real chown: needs root (and setfattr/getfattr from Debian's attr package). */
class IdShiftTest {
    private static final String V2_NET_BIND = "0x0100000200040000000000000000000000000000";
    private static final CommandRunner RUNNER = new CommandRunner(ProcessLauncher.system());

    @TempDir
    Path dir;
    private Path root;
    private Path outside;
    private final IdShift shift = new IdShift(IdMapping.DEFAULT, new FileCapabilities(RUNNER));

    @BeforeEach
    void needsRoot() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "chown to other users needs root");
        root = Files.createDirectories(dir.resolve("rootfs"));
        outside = Files.writeString(dir.resolve("host-file"), "host");
    }

    private static Path file(Path path, int mode, int uid, int gid) throws IOException {
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
            Files.writeString(path, "x");
        }
        own(path, uid, gid);
        Files.setAttribute(path, "unix:mode", mode);
        return path;
    }

    private static Path dir(Path path, int mode, int uid, int gid) throws IOException {
        Files.createDirectories(path);
        own(path, uid, gid);
        Files.setAttribute(path, "unix:mode", mode);
        return path;
    }

    private static void own(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    private static int attr(Path path, String name) throws IOException {
        return (int) Files.getAttribute(path, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }

    private static String owner(Path path) throws IOException {
        return attr(path, "uid") + ":" + attr(path, "gid");
    }

    private static String capability(Path path) {
        List<String> argv = List.of("getfattr", "--no-dereference", "--absolute-names", "--name=security.capability",
                "--encoding=hex", path.toString());
        return RUNNER.run(argv, Duration.ofSeconds(10)).stdout().lines()
                .filter(l -> l.startsWith("security.capability=0x")).map(l -> l.substring(22)).findFirst().orElse("none");
    }

    @Test
    void shiftsOwnersByTheOffsetAndKeepsTheIdsInside() throws Exception {
        file(root.resolve("etc/passwd"), 0644, 0, 0);
        file(root.resolve("home/alice/notes"), 0600, 1000, 1000);
        file(root.resolve("var/mail/nobody"), 0660, 65534, 8);
        dir(root.resolve("home/alice"), 0700, 1000, 1000);

        IdShift.Result result = shift.shift(root);

        assertThat(owner(root)).isEqualTo("100000:100000");
        assertThat(owner(root.resolve("etc/passwd"))).isEqualTo("100000:100000");
        assertThat(owner(root.resolve("home/alice"))).isEqualTo("101000:101000");
        assertThat(owner(root.resolve("home/alice/notes"))).isEqualTo("101000:101000");
        assertThat(owner(root.resolve("var/mail/nobody"))).isEqualTo("165534:100008");
        assertThat(attr(root.resolve("home/alice/notes"), "mode") & 07777).isEqualTo(0600);
        assertThat(result.entries()).as("rootfs, etc, home, home/alice, var, var/mail and three files").isEqualTo(9);
    }

    @Test
    void restoresSetuidAndSetgidBitsThatChownClears() throws Exception {
        Path su = file(root.resolve("bin/su"), 04755, 0, 0);
        Path wall = file(root.resolve("usr/bin/wall"), 02755, 0, 5);
        Path both = file(root.resolve("usr/bin/both"), 06711, 0, 0);
        Path sharedDir = dir(root.resolve("srv/shared"), 02775, 0, 100);
        Path tmp = dir(root.resolve("tmp"), 01777, 0, 0);

        IdShift.Result result = shift.shift(root);

        assertThat(attr(su, "mode") & 07777).isEqualTo(04755);
        assertThat(attr(wall, "mode") & 07777).isEqualTo(02755);
        assertThat(attr(both, "mode") & 07777).isEqualTo(06711);
        assertThat(attr(sharedDir, "mode") & 07777).isEqualTo(02775);
        assertThat(attr(tmp, "mode") & 07777).isEqualTo(01777);
        assertThat(owner(wall)).isEqualTo("100000:100005");
        assertThat(result.modesRestored()).isEqualTo(4);
    }

    @Test
    void restoresFileCapabilitiesNamespacedToTheMappedRoot() throws Exception {
        Path ping = file(root.resolve("bin/ping"), 0755, 0, 0);
        RUNNER.run(List.of("setfattr", "-n", "security.capability", "-v", V2_NET_BIND, ping.toString()), Duration.ofSeconds(10));

        IdShift.Result result = shift.shift(root);

        // revision 3, effective, cap_net_bind_service permitted, root id 100000: effective only where 100000 is root
        assertThat(capability(ping)).isEqualTo("01000003" + "00040000" + "00000000".repeat(3) + "a0860100");
        assertThat(result.capabilitiesRestored()).isEqualTo(1);
        assertThat(owner(ping)).isEqualTo("100000:100000");
    }

    @Test
    void changesSymlinksThemselvesAndNeverTheirTargets() throws Exception {
        Path link = root.resolve("etc/host-file");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        Path dangling = Files.createSymbolicLink(root.resolve("dangling"), Path.of("/no/such/file"));
        Path linkedDir = Files.createSymbolicLink(root.resolve("linked-dir"), dir);

        shift.shift(root);

        assertThat(owner(link)).isEqualTo("100000:100000");
        assertThat(owner(dangling)).isEqualTo("100000:100000");
        assertThat(owner(linkedDir)).isEqualTo("100000:100000");
        assertThat(owner(outside)).isEqualTo("0:0");
        assertThat(owner(dir)).isEqualTo("0:0");
        assertThat(Files.readSymbolicLink(link)).isEqualTo(outside);
    }

    @Test
    void shiftsAFileWithSeveralHardLinksOnce() throws Exception {
        Path first = file(root.resolve("usr/bin/perl"), 04755, 0, 0);
        Path second = Files.createLink(root.resolve("usr/bin/perl5.36"), first);
        Path third = Files.createLink(root.resolve("perl-too"), first);

        IdShift.Result result = shift.shift(root);

        for (Path name : List.of(first, second, third)) {
            assertThat(owner(name)).isEqualTo("100000:100000");
            assertThat(attr(name, "mode") & 07777).isEqualTo(04755);
        }
        assertThat(result.hardLinksSkipped()).isEqualTo(2);
    }

    @Test
    void refusesFilesOwnedByIdsTheSandboxesDoNotHave() throws Exception {
        file(root.resolve("opt/odd"), 0644, 70_000, 0);

        assertThatThrownBy(() -> shift.shift(root))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("odd is owned by 70000:0, outside the 65536 ids a sandbox's user namespace maps");
    }
}
