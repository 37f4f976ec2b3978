package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The modes a start gives an existing data dir (runs as root, as magsd does: it changes owners). */
class DataDirModesTest {
    @TempDir
    Path tmp;

    private Path file(String rel, int mode) throws IOException {
        Path p = tmp.resolve("data").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    private Path dir(String rel, int mode) throws IOException {
        Path p = Files.createDirectories(tmp.resolve("data").resolve(rel));
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void everythingGetsOwnerRootAndNoBitsForOthersButWhatHasModesOfItsOwn() throws IOException {
        Path data = dir("", 0755);
        Path db = file("state.db", 0644);
        Path token = file("admin-token", 0644);
        Files.setAttribute(token, "unix:uid", 1000);
        Path disk = file("workspaces/ws-a/disk.img", 0644);
        Path index = file("workspace-index/u1/ws/index.json.zst", 0644);
        dir("s3", 0755);
        Path object = file("s3/mags/chunks/ab/ab12", 0644);
        Path copy = dir("bases/u1/golden/20261206T063424710Z-7404c3c2", 0755);
        Path setuid = file("bases/u1/golden/20261206T063424710Z-7404c3c2/opt/sgsh", 06755);
        Path sandbox = dir("sandboxes/s1", 0755);
        Path image = dir("images/busybox/rootfs", 0755);
        Path link = Files.createSymbolicLink(data.resolve("link"), Path.of("/etc/passwd"));

        List<DataDirModes.Change> changes = DataDirModes.secure(data, 100000);

        assertThat(mode(data)).isEqualTo(0710);
        assertThat(Files.getAttribute(data, "unix:gid")).isEqualTo(100000);
        for (Path p : List.of(db, token, disk, index)) {
            assertThat(mode(p)).as(p.toString()).isEqualTo(0600);
        }
        assertThat(Files.getAttribute(token, "unix:uid")).isEqualTo(0);
        for (String d : List.of("workspaces", "workspaces/ws-a", "workspace-index/u1/ws", "s3", "s3/mags", "bases", "bases/u1",
                "bases/u1/golden", "images")) {
            assertThat(mode(data.resolve(d))).as(d).isEqualTo(0700);
        }
        assertThat(mode(object)).as("the S3 server's own, under a 0700 directory").isEqualTo(0644);
        assertThat(mode(copy)).as("a restored copy is the user's").isEqualTo(0755);
        assertThat(mode(setuid)).isEqualTo(06755);
        assertThat(mode(sandbox)).as("the agent's tmpfs").isEqualTo(0755);
        assertThat(mode(image)).as("the image store's").isEqualTo(0755);
        assertThat(mode(Path.of("/etc/passwd"))).as("a link is not followed").isEqualTo(0644);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(changes).extracting(Object::toString).contains(". 0:0 0755 -> 0:100000 0710", "state.db 0:0 0644 -> 0:0 0600",
                "admin-token 1000:0 0644 -> 0:0 0600");

        assertThat(DataDirModes.secure(data, 100000)).as("nothing more to change").isEmpty();
    }

    @Test
    void aNewDataDirIsPrivateFromTheStartAndAnAncestorTheSandboxesCannotPassIsNamed() throws IOException {
        Path data = tmp.resolve("closed/data");
        Files.createDirectories(tmp.resolve("closed"));
        Files.setAttribute(tmp, "unix:mode", 0755);
        Files.setAttribute(tmp.resolve("closed"), "unix:mode", 0700);

        DataDirModes.create(data, 100000);

        assertThat(mode(data)).isEqualTo(0710);
        assertThat(DataDirModes.secure(data, 100000)).isEmpty();
        assertThat(DataDirModes.blockedAncestor(data, 100000)).hasValue(tmp.resolve("closed"));
        Files.setAttribute(tmp.resolve("closed"), "unix:mode", 0711);
        assertThat(DataDirModes.blockedAncestor(data, 100000)).isEmpty();
    }
}
