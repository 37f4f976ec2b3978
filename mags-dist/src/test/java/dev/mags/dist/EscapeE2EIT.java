package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through a real magsd: a job cannot reach magsd's own API, whichever way it tries. */
class EscapeE2EIT {
    @TempDir
    Path tmp;

    @Test
    void aJobCannotReachTheServersApi() throws Exception {
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            StringBuilder script = new StringBuilder();
            for (String address : addresses()) {
                script.append("wget -q -T 2 -O- http://").append(address).append(':').append(magsd.port)
                        .append("/healthz && echo REACHED ").append(address).append("; ");
            }
            Files.createDirectories(tmp.resolve("home"));
            Proc.Result r = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "run",
                    script + "echo done");
            assertThat(r.stdout()).isEqualTo("done\n");
            assertThat(r.stderr().lines().toList()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).containsAnyOf("can't connect", "timed out", "Network is unreachable",
                            "No route to host"));
        }
    }

    /** Loopback, slirp's gateway to the host, and every address of the host's own interfaces. */
    private static List<String> addresses() throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("127.0.0.1", "10.0.2.2"));
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            nic.inetAddresses().filter(a -> a instanceof Inet4Address).map(a -> a.getHostAddress())
                    .filter(a -> !a.startsWith("127.")).forEach(all::add);
        }
        return all;
    }
}
