package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * magsd's listening sockets (API, SSH gateway, embedded S3) are close-on-exec: a process it was starting when it was
 * killed (the JDK's {@code jspawnhelper}, which waits for the JVM's instructions with all its descriptors) must not
 * keep them, or magsd started again cannot listen on its ports ("Address already in use").
 */
class ListeningSocketsE2EIT {
    private static final long O_CLOEXEC = 02000000;
    @TempDir
    Path tmp;

    @Test
    void everyListeningSocketOfMagsdIsCloseOnExec() throws Exception {
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            Proc.Result ss = Proc.run(Map.of(), Duration.ofSeconds(30), Path.of("/usr/bin/ss"), "-ltnpH");
            List<Integer> fds = new ArrayList<>();
            Matcher m = Pattern.compile("pid=" + magsd.pid() + ",fd=(\\d+)").matcher(ss.stdout());
            while (m.find()) {
                fds.add(Integer.parseInt(m.group(1)));
            }
            assertThat(fds).as("magsd's listening sockets (API, SSH, S3): " + ss.stdout()).hasSizeGreaterThanOrEqualTo(3);
            for (int fd : fds) {
                String info = Files.readString(Path.of("/proc/" + magsd.pid() + "/fdinfo/" + fd));
                long flags = Long.parseLong(info.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow()
                        .substring("flags:".length()).strip(), 8);
                assertThat(flags & O_CLOEXEC).as("fd " + fd + " close-on-exec: " + info).isNotZero();
            }
        }
    }
}
