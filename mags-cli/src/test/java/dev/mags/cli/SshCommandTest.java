package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.testkit.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mags ssh: the key it makes and registers, what it asks the server, and the ssh command line it runs — with a
 * stand-in {@code ssh} on the PATH that writes down its arguments and exits 7, and the real ssh-keygen.
 */
class SshCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    @TempDir
    Path bin;

    private CliFixture cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliFixture(home);
        Path ssh = bin.resolve("ssh");
        Files.writeString(ssh, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$(dirname \"$0\")/ssh.args\"\n"
                + "exit 7\n");
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli.env.put("PATH", bin + ":/usr/bin:/bin");
        cli.server.json("GET", "/api/v1/ssh-keys", 200, "{\"ssh_keys\":[]}");
        cli.server.json("POST", "/api/v1/ssh-keys", 201,
                "{\"id\":\"k1\",\"name\":\"n\",\"fingerprint\":\"SHA256:x\",\"created_at\":\"2026-01-01T00:00:00Z\"}");
        cli.server.json("POST", "/api/v1/mags-jobs/dev/access", 200,
                "{\"success\":true,\"ssh_host\":\"127.0.0.1\",\"ssh_port\":2222,\"ssh_user\":\"dev\"}");
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void theFirstRunMakesAKeyRegistersItAndRunsSshWithIt() throws Exception {
        CliFixture.Result result = cli.run("ssh", "dev");

        assertThat(result.exit()).as(result.err()).isEqualTo(7);
        Path key = home.resolve(".mags/id_ed25519");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String publicKey = Files.readString(home.resolve(".mags/id_ed25519.pub")).strip();
        assertThat(publicKey).startsWith("ssh-ed25519 ");
        assertThat(JSON.readTree(cli.server.single("POST", "/api/v1/ssh-keys").body()).get("public_key").asText())
                .isEqualTo(publicKey);
        assertThat(JSON.readTree(cli.server.single("POST", "/api/v1/mags-jobs/dev/access").body()))
                .isEqualTo(JSON.readTree("{\"port\":22}"));
        assertThat(sshArgs()).containsExactly("-i", key.toString(), "-p", "2222", "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + home.resolve(".mags/known_hosts"), "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR",
                "--", "dev@127.0.0.1");
    }

    @Test
    void aKeyTheServerKnowsIsNotRegisteredAgain() throws Exception {
        cli.run("ssh", "dev");
        String fingerprint = keygenFingerprint(home.resolve(".mags/id_ed25519.pub"));
        cli.server.json("GET", "/api/v1/ssh-keys", 200, "{\"ssh_keys\":[{\"id\":\"k1\",\"name\":\"n\",\"fingerprint\":\""
                + fingerprint + "\",\"created_at\":\"2026-01-01T00:00:00Z\"}]}");

        CliFixture.Result again = cli.run("ssh", "dev");

        assertThat(again.exit()).isEqualTo(7);
        assertThat(cli.server.requests("POST", "/api/v1/ssh-keys")).hasSize(1);
    }

    @Test
    void everythingAfterTheNameIsTheCommand() throws Exception {
        CliFixture.Result result = cli.run("ssh", "dev", "ls", "-la", "/tmp");

        assertThat(result.exit()).isEqualTo(7);
        assertThat(sshArgs()).endsWith("--", "dev@127.0.0.1", "ls", "-la", "/tmp");
    }

    @Test
    void withoutSshItSaysWhatToInstall() {
        cli.env.put("PATH", home.toString());

        CliFixture.Result result = cli.run("ssh", "dev");

        assertThat(result.exit()).isEqualTo(255);
        assertThat(result.err()).contains("ssh (OpenSSH's client) is not installed")
                .contains("apt-get install openssh-client");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void aNameThatIsNotTheCallersIsNotFound() {
        cli.server.json("POST", "/api/v1/mags-jobs/theirs/access", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no job or workspace named 'theirs'\"}}");

        CliFixture.Result result = cli.run("ssh", "theirs");

        assertThat(result.exit()).isEqualTo(255);
        assertThat(result.err()).contains("no job or workspace named 'theirs'");
        assertThat(bin.resolve("ssh.args")).doesNotExist();
    }

    @Test
    void anUnreachableServerIsSaidSo() {
        cli.env.put("MAGS_API_URL", "http://127.0.0.1:" + FreePort.pick());

        CliFixture.Result result = cli.run("ssh", "dev");

        assertThat(result.exit()).isEqualTo(255);
        assertThat(result.err()).contains("cannot reach the mags server");
        assertThat(bin.resolve("ssh.args")).doesNotExist();
    }

    @Test
    void aKeyAnotherAccountRegisteredIsExplained() {
        cli.server.json("POST", "/api/v1/ssh-keys", 409,
                "{\"error\":{\"code\":\"ssh_key_exists\",\"message\":\"registered by another user\"}}");

        CliFixture.Result result = cli.run("ssh", "dev");

        assertThat(result.exit()).isEqualTo(255);
        assertThat(result.err()).contains("registered for another user").contains("id_ed25519");
    }

    @Test
    void aServerAnswerThatReadsAsAnSshOptionIsRefused() {
        cli.server.json("POST", "/api/v1/mags-jobs/dev/access", 200,
                "{\"success\":true,\"ssh_host\":\"h\",\"ssh_port\":22,\"ssh_user\":\"-oProxyCommand=touch /tmp/x\"}");

        CliFixture.Result result = cli.run("ssh", "dev");

        assertThat(result.exit()).isEqualTo(255);
        assertThat(result.err()).contains("not a plain name and host");
        assertThat(bin.resolve("ssh.args")).doesNotExist();
    }

    @Test
    void helpNamesTheKeyAndTheExitStatus() {
        CliFixture.Result result = cli.run("ssh", "--help");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("Usage: mags ssh").contains("NAME").contains("~/.mags/id_ed25519")
                .contains("255");
    }

    private List<String> sshArgs() throws Exception {
        return Files.readAllLines(bin.resolve("ssh.args"));
    }

    private String keygenFingerprint(Path publicKey) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-lf", publicKey.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.split(" ")[1];
    }
}
