package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ImageInfo;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Builds the real Debian image with mmdebstrap (a minute or two, needs the Debian mirror) and runs
 * Python and Node in it. Too slow for every build: runs only with {@code MAGS_IT_DEBIAN=1}.
 */
@EnabledIfEnvironmentVariable(named = "MAGS_IT_DEBIAN", matches = "1")
class DebianImageIT {

    @Test
    void buildsDebianAndRunsPythonAndNodeInIt() throws Exception {
        try (ItHost host = ItHost.create()) {
            long started = System.nanoTime();
            ImageInfo info = ImageBuilder.standard(new ImageStore(host.config.imagesDir())).build("debian", System.out);
            long seconds = (System.nanoTime() - started) / 1_000_000_000;
            System.out.printf("debian image: %d s, %.0f MB%n", seconds, info.sizeBytes() / 1e6);

            RecordingListener output = new RecordingListener();
            ExecExit exit = Job.launch(host.agent(), JobSpec.shell(ItHost.uniqueId("debian"), "debian",
                    "python3 -c 'print(6*7)'; node -e 'console.log(6*7)'; git --version >/dev/null && echo git;"
                            + " ls /var/lib/apt/lists | grep -c InRelease; cat /etc/hostname;"
                            // the shifted image is root's inside: dpkg can change it, setuid binaries are intact
                            + " dpkg -r vim-tiny >/dev/null 2>&1 && echo removed; stat -c '%U %a' /usr/bin/passwd;"
                            + " su -s /bin/sh nobody -c 'id -u'",
                    Map.of(), null), output).exit().get(60, TimeUnit.SECONDS);

            assertThat(exit).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly("42", "42", "git", "0", "mags-vm", "removed", "root 4755", "65534");
            assertThat(HostLeaks.scan(host.config)).isEmpty();
        }
    }
}
