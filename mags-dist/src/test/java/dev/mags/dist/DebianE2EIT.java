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

            // The workspaces issue's first example, word for word: changes outside /root and deletions of
            // image files persist in a persistent workspace, also when it comes back from storage.
            Proc.Result write = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "run",
                    "-w", "ws", "-p", "echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /etc/motd");
            assertThat(write.exitCode()).as(write.stderr()).isZero();
            Proc.Result stop = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "stop", "ws");
            assertThat(stop.exitCode()).as(stop.stderr()).isZero();
            dev.mags.agent.rootfs.DirectoryTree.delete(magsd.dataDir.resolve("workspaces"));
            Proc.Result read = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "run",
                    "-w", "ws", "-p", "cat /root/a /opt/t/x; test ! -e /etc/motd");
            assertThat(read.exitCode()).as(read.stderr()).isZero();
            assertThat(read.stdout()).isEqualTo("hi\nx\n");
            Proc.Result delete = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(),
                    "workspace", "delete", "ws");
            assertThat(delete.exitCode()).as(delete.stderr()).isZero();

            // The file-upload examples of the seeds, as typed (in a directory holding the files).
            Path work = Files.createDirectories(tmp.resolve("work"));
            Files.writeString(work.resolve("analyze.py"), "import csv\nrows = list(csv.DictReader(open('data.csv')))\n"
                    + "print(len(rows), 'rows, total', sum(int(r['amount']) for r in rows))\n");
            Files.writeString(work.resolve("data.csv"), "name,amount\na,3\nb,4\n");
            Files.writeString(work.resolve("config.json"), "{}\n");
            Files.writeString(work.resolve("app.js"), "console.log('app')\n");
            Proc.Result analysis = Proc.runIn(work, magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(),
                    "run", "-f", "analyze.py", "-f", "data.csv", "python3 analyze.py");
            assertThat(analysis.exitCode()).as(analysis.stderr()).isZero();
            assertThat(analysis.stdout()).isEqualTo("2 rows, total 7\n");
            Proc.Result listed = Proc.runIn(work, magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(),
                    "run", "-w", "my-project", "-p", "-f", "config.json", "-f", "app.js", "ls /root");
            assertThat(listed.exitCode()).as(listed.stderr()).isZero();
            assertThat(listed.stdout()).contains("app.js\n").contains("config.json\n");
            Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "stop", "my-project");
        }
    }
}
