package dev.mags.bench;

import dev.mags.api.AccessInfo;
import dev.mags.api.SshKeyInfo;
import dev.mags.sdk.Mags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ssh_cmd_ms}: the wall time of one {@code ssh -p PORT LOGIN@HOST true} through magsd's SSH gateway into a
 * live sandbox, the whole OpenSSH process (connection, key exchange, authentication, the command, its exit
 * status), with the login and port the API's {@code /access} answers, as {@code mags ssh} asks for them.
 */
final class SshCommandTime {
    private static final int WARM_UP = 2;

    private SshCommandTime() {}

    static List<Double> measure(Mags mags, String sandbox, Path keyDir, int n, AtomicInteger errors) {
        OpenSshClient ssh = OpenSshClient.create(keyDir);
        SshKeyInfo key = mags.addSshKey("mags-bench", ssh.publicKeyLine());
        List<Double> ms = new ArrayList<>();
        try {
            AccessInfo access = mags.enableAccess(sandbox, 22);
            for (int i = 0; i < WARM_UP + n; i++) {
                // The first connection also records the gateway's host key (trust on first use).
                Sh.Result r = ssh.run(access, "true");
                if (r.exitCode() != 0) {
                    Bench.error(errors, "ssh " + access.sshUser() + "@" + access.sshHost() + " true exited "
                            + r.exitCode() + ": " + r.stderr().strip());
                }
                if (i >= WARM_UP) {
                    ms.add(r.nanos() / 1e6);
                }
            }
        } finally {
            mags.deleteSshKey(key.id());
        }
        return ms;
    }
}
