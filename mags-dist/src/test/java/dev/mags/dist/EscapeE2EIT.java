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
            List<String> addresses = addresses();
            for (String address : addresses) {
                script.append("printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ").append(address).append(' ')
                        .append(magsd.port).append(" && echo REACHED ").append(address).append("; ");
            }
            Files.createDirectories(tmp.resolve("home"));
            Proc.Result r = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(120), Repo.mags(), "run",
                    script + "echo done");
            assertThat(r.stdout()).isEqualTo("done\n");
            assertThat(r.stderr().lines().toList()).hasSize(addresses.size())
                    .allSatisfy(l -> assertThat(l).startsWith("nc: can't connect"));
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
