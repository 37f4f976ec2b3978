package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signal requests and hang-ups, which OpenSSH's client does not send on request: driven with MINA's own client,
 * which can write any channel request.
 */
class SshSignalsIT {
    private static final Duration GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    GatewayFixture gw;
    SshClient client;
    ClientSession session;
    HostSandbox dev;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayFixture(dir);
        dev = gw.sandbox("alice", "dev");
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        gw.register("alice", key.getPublic());
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(
                HostKey.loadOrCreate(dir.resolve("ssh_host_ed25519_key")).getPublic()));
        client.start();
        session = client.connect("dev", "127.0.0.1", gw.gateway.port()).verify(GUARD).getSession();
        session.addPublicKeyIdentity(key);
        session.auth().verify(GUARD);
    }

    @AfterEach
    void stop() throws IOException {
        session.close();
        client.stop();
        gw.close();
    }

    @Test
    void aSignalRequestReachesTheProcess() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChannelExec channel = session.createExecChannel(
                "trap 'echo got-int; exit 7' INT; echo ready; while :; do sleep 0.1; done");
        channel.setOut(out);
        channel.open().verify(GUARD);
        await(() -> text(out).contains("ready"));

        Buffer request = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST);
        request.putUInt(channel.getRecipient());
        request.putString("signal");
        request.putBoolean(false);
        request.putString("INT");
        session.writePacket(request);

        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), GUARD);
        assertThat(text(out)).isEqualTo("ready\ngot-int\n");
        assertThat(channel.getExitStatus()).isEqualTo(7);
    }

    @Test
    void aClientThatGoesAwayHangsTheProcessUp() throws Exception {
        Path hup = dev.dir().resolve("hup");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChannelExec channel = session.createExecChannel(
                "trap 'echo hung-up > " + hup + "; exit 0' HUP; echo ready; while :; do sleep 0.1; done");
        channel.setOut(out);
        channel.open().verify(GUARD);
        await(() -> text(out).contains("ready"));

        session.close(true);

        await(() -> Files.exists(hup) && dev.running() == 0);
        assertThat(hup).hasContent("hung-up\n");
        await(() -> gw.released.size() == 1);
        assertThat(gw.released).containsExactly("alice/dev");
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within the guard of " + GUARD);
            }
            Thread.sleep(20);
        }
    }
}
