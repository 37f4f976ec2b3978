package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default image: the tools the README promises are there. */
class DebianE2EIT {
    @TempDir
    Path tmp;

    @Test
    void debianHasPythonNodeAndGit() throws Exception {
        Path images = TestImages.debian();
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), images, "debian").start()) {
            Files.createDirectories(tmp.resolve("home"));
            Proc.Result r = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(60), Repo.mags(), "run",
                    "echo Hello World; python3 -c 'print(6*7)'; node -e 'console.log(\"node ok\")'; git --version | cut -d' ' -f1-2; hostname");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).isEqualTo("Hello World\n42\nnode ok\ngit version\nmags-vm\n");

            // The issue's own example: 2 GiB in Python against the default 1 GiB limit.
            Proc.Result oom = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "run",
                    "python3 -c \"x=bytearray(2<<30)\"");
            assertThat(oom.exitCode()).isNotZero();
            assertThat(oom.stderr()).contains("out of memory (limit 1 GiB)");
        }
    }
}
