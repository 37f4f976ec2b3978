package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/mags setup-claude} installs, read back and followed: its examples, run as they are written (an
 * agent runs them with its shell), do on a real magsd what their comments say.
 */
class SetupClaudeE2EIT {
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
        Files.createDirectories(tmp.resolve("home"));
        env = new HashMap<>(magsd.cliEnv(tmp.resolve("home")));
        env.put("PATH", Repo.mags().getParent() + ":" + System.getenv("PATH"));
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            magsd.close();
        }
    }

    private static Proc.Result sh(String commandLine) {
        return Proc.run(env, Duration.ofSeconds(120), Path.of("/bin/sh"), "-c", commandLine);
    }

    @Test
    void theSkillsExamplesDoWhatTheySay() throws Exception {
        Proc.Result setup = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), "setup-claude");
        assertThat(setup.exitCode()).as(setup.stderr()).isZero();
        String skill = Files.readString(tmp.resolve("home/.claude/skills/mags/SKILL.md"));
        String slash = Files.readString(tmp.resolve("home/.claude/commands/mags.md"));

        // each example as the files print it (before its comment), and what its comment promises on stdout
        Map<String, String> examples = new LinkedHashMap<>();
        examples.put("mags run 'echo Hello World'", "Hello World\n");
        examples.put("mags run --env NAME=world 'echo hello $NAME'", "hello world\n");
        examples.put("mags run -w proj 'echo hi > /root/a'", "");
        examples.put("mags run -w proj 'cat /root/a'", "hi\n");
        examples.put("mags run -w dev -p 'sleep 600 & echo started'", "started\n");
        try {
            for (Map.Entry<String, String> example : examples.entrySet()) {
                assertThat(skill).containsPattern("(?m)^" + java.util.regex.Pattern.quote(example.getKey()) + "( +#.*)?$");
                assertThat(slash).contains(example.getKey());
                Proc.Result r = sh(example.getKey());
                assertThat(r.exitCode()).as(example.getKey() + ": " + r.stderr()).isZero();
                assertThat(r.stdout()).as(example.getKey()).isEqualTo(example.getValue());
            }
            assertThat(skill).contains("mags run -w dev 'ps'");
            assertThat(sh("mags run -w dev 'ps'").stdout()).contains("sleep 600");
            Proc.Result exit3 = sh("mags run 'exit 3'; echo $?");
            assertThat(skill).contains("mags run 'exit 3'; echo $?");
            assertThat(exit3.stdout()).isEqualTo("3\n");
        } finally {
            assertThat(sh("mags stop dev").exitCode()).isZero();
        }
        assertThat(skill).contains("mags workspace list; mags workspace delete proj");
        Proc.Result cleanup = sh("mags workspace list; mags workspace delete proj");
        assertThat(cleanup.exitCode()).as(cleanup.stderr()).isZero();
        assertThat(cleanup.stdout()).contains("proj", "dev");
    }
}
