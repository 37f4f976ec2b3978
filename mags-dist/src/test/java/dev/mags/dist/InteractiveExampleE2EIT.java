package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.testkit.Tmux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' interactive example as a person types it, on the debian image: {@code mags new dev -p}, then
 * {@code mags ssh dev} in a real terminal (tmux running OpenSSH through the gateway): a prompt that names the host
 * {@code mags-vm}, {@code python3 --version}, {@code vim} full screen and {@code :q}, {@code exit 3} as the status
 * of {@code mags ssh}; then {@code mags exec dev 'node --version'}.
 */
class InteractiveExampleE2EIT {
    private static final Duration CLI = Duration.ofSeconds(120);
    @TempDir
    Path tmp;

    @Test
    void theInteractiveExampleRunsAsTyped() throws Exception {
        Path images = TestImages.debian();
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), images, "debian").start();
                Tmux tmux = new Tmux(Files.createDirectories(tmp.resolve("tmux")))) {
            Path home = Files.createDirectories(tmp.resolve("home"));
            Map<String, String> env = magsd.cliEnv(home);
            try {
                Proc.Result created = Proc.run(env, CLI, Repo.mags(), "new", "dev", "-p");
                assertThat(created.exitCode()).as(created.stderr()).isZero();
                assertThat(created.stdout()).contains("Sandbox 'dev' created").contains("mags ssh dev");

                // A shell of the person's own, with `mags` on its PATH, talking to this server.
                tmux.start("env -i PATH=" + binDir(magsd, home) + ":/usr/bin:/bin HOME=" + home + " TERM=screen"
                        + " PS1='host$ ' bash --noprofile --norc", 100, 30);
                tmux.await("the local prompt", s -> s.stripTrailing().endsWith("host$"));
                tmux.type("mags ssh dev; echo \"mags ssh exited with $?\"");
                tmux.await("the sandbox's prompt", s -> s.stripTrailing().endsWith("root@mags-vm:~#"));

                tmux.type("python3 --version");
                assertThat(tmux.await("python's version", s -> s.matches("(?s).*\nPython 3\\.\\d+\\.\\d+\n.*")))
                        .containsPattern("(?m)^Python 3\\.\\d+\\.\\d+$");

                tmux.type("vim");
                String vim = tmux.await("vim's empty buffer", s -> s.lines().filter(l -> l.equals("~")).count() > 10);
                assertThat(vim).contains("VIM - Vi IMproved");
                tmux.type(":q");
                tmux.await("the prompt again, vim gone", s -> s.stripTrailing().endsWith("root@mags-vm:~#")
                        && s.lines().noneMatch(l -> l.equals("~")));

                tmux.type("exit 3");
                tmux.await("the status of mags ssh", s -> s.contains("\nmags ssh exited with 3\n"));

                Proc.Result node = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "node --version");
                assertThat(node.exitCode()).as(node.stderr()).isZero();
                assertThat(node.stdout()).matches("v18\\.\\d+\\.\\d+\n");
            } finally {
                Proc.run(env, CLI, Repo.mags(), "stop", "dev");
            }
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    /** A directory holding {@code mags}: the launcher with this server's address and token, as after a login. */
    private Path binDir(MagsdFixture magsd, Path home) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path mags = bin.resolve("mags");
        Files.writeString(mags, "#!/bin/sh\nexport MAGS_API_URL='" + magsd.url() + "' MAGS_API_TOKEN='"
                + magsd.adminToken() + "' HOME='" + home + "'\nexec '" + Repo.mags() + "' \"$@\"\n");
        Files.setPosixFilePermissions(mags, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }
}
