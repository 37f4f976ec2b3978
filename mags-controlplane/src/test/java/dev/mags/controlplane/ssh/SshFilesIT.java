package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files in and out of a sandbox with OpenSSH's {@code scp} (SFTP and legacy) and {@code sftp}. */
class SshFilesIT {
    @TempDir
    Path dir;
    GatewayFixture gw;
    Path alice;
    HostSandbox dev;
    Path local;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayFixture(dir);
        alice = gw.key("alice");
        dev = gw.sandbox("alice", "dev");
        local = Files.createDirectories(dir.resolve("local"));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void scpUploadsIntoHomeAndDownloadsTheSameBytes() throws Exception {
        byte[] data = random(3_000_000);
        Files.write(local.resolve("up.bin"), data);

        GatewayFixture.Run up = gw.run(scp(List.of(), local.resolve("up.bin").toString(), "dev@127.0.0.1:up.bin"), null);
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(dev.dir().resolve("root/up.bin")).hasBinaryContent(data);

        GatewayFixture.Run down = gw.run(scp(List.of(), "dev@127.0.0.1:/root/up.bin", local.resolve("down.bin").toString()),
                null);
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(local.resolve("down.bin")).hasBinaryContent(data);
    }

    @Test
    void legacyScpUploadsAndDownloadsARecursiveTree() throws Exception {
        Files.createDirectories(local.resolve("tree/sub"));
        Files.writeString(local.resolve("tree/a.txt"), "alpha\n");
        Files.writeString(local.resolve("tree/sub/b.txt"), "beta\n");
        Files.createDirectories(dev.dir().resolve("tmp"));

        GatewayFixture.Run up = gw.run(scp(List.of("-O", "-r"), local.resolve("tree").toString(), "dev@127.0.0.1:/tmp"),
                null);
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(dev.dir().resolve("tmp/tree/sub/b.txt")).hasContent("beta\n");

        GatewayFixture.Run down = gw.run(scp(List.of("-O", "-r"), "dev@127.0.0.1:/tmp/tree",
                local.resolve("back").toString()), null);
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(local.resolve("back/a.txt")).hasContent("alpha\n");
        assertThat(local.resolve("back/sub/b.txt")).hasContent("beta\n");
        assertThat(dev.specs).as("legacy scp never runs a program in the sandbox").isEmpty();
    }

    @Test
    void sftpBatchMakesListsRenamesFetchesAndRemoves() throws Exception {
        Files.writeString(local.resolve("notes.txt"), "hello sandbox\n");
        String batch = String.join("\n",
                "pwd",
                "mkdir work",
                "put " + local.resolve("notes.txt") + " work/notes.txt",
                "chmod 600 work/notes.txt",
                "rename work/notes.txt work/renamed.txt",
                "ls -l work",
                "get work/renamed.txt " + local.resolve("fetched.txt"),
                "symlink work/renamed.txt link.txt",
                "rm work/renamed.txt",
                "rmdir work",
                "") ;

        GatewayFixture.Run run = gw.run(sftp(), batch);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Remote working directory: /root");
        assertThat(run.out()).containsPattern("-rw------- .* renamed.txt");
        assertThat(local.resolve("fetched.txt")).hasContent("hello sandbox\n");
        assertThat(dev.dir().resolve("root/work")).doesNotExist();
        assertThat(Files.readSymbolicLink(dev.dir().resolve("root/link.txt")).toString()).isEqualTo("work/renamed.txt");
    }

    @Test
    void sftpReportsAMissingFile() {
        GatewayFixture.Run run = gw.run(sftp(), "get /root/nothing-here " + local.resolve("x") + "\n");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("not found");
    }

    private List<String> scp(List<String> extra, String from, String to) {
        List<String> cmd = new ArrayList<>(List.of("scp", "-q", "-P", Integer.toString(gw.gateway.port())));
        cmd.addAll(gw.options(alice));
        cmd.addAll(extra);
        cmd.addAll(List.of(from, to));
        return cmd;
    }

    private List<String> sftp() {
        List<String> cmd = new ArrayList<>(List.of("sftp", "-P", Integer.toString(gw.gateway.port())));
        cmd.addAll(gw.options(alice));
        cmd.addAll(List.of("-b", "-", "dev@127.0.0.1"));
        return cmd;
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        return data;
    }
}
