package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading: the gateway takes no more of the process's output than the client's window, and
 * the process waits on its full pipe, until the client reads again. Driven with MINA's client, whose window is
 * set small and which stops reading on cue.
 */
class SshFlowControlIT {
    private static final Duration GUARD = Duration.ofSeconds(60);
    private static final int CLIENT_WINDOW = 64 * 1024;
    private static final long OUTPUT = 16L << 20;

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
        CoreModuleProperties.WINDOW_SIZE.set(client, (long) CLIENT_WINDOW);
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
    void aClientThatStopsReadingStopsTheProcessNotTheGatewaysMemory() throws Exception {
        StalledOutput out = new StalledOutput();
        ChannelExec channel = session.createExecChannel("head -c " + OUTPUT + " /dev/zero");
        channel.setOut(out);
        channel.open().verify(GUARD);

        await(SshFlowControlIT::readerWaitsForTheClientsWindow);
        long taken = dev.delivered.get();
        assertThat(out.received.get()).isPositive();
        assertThat(taken).as("output the gateway took while the client read nothing more")
                .isLessThanOrEqualTo(out.received.get() + CLIENT_WINDOW + HostExec.READ_SIZE);
        assertThat(dev.running()).as("the process waits on its full pipe").isEqualTo(1);

        out.resume.countDown();
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), GUARD);
        assertThat(channel.getExitStatus()).isZero();
        assertThat(out.received.get()).isEqualTo(OUTPUT);
    }

    /** The process's output reader is inside the SSH channel's wait for window space. */
    private static boolean readerWaitsForTheClientsWindow() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith(HostExec.READER_PREFIX))
                .anyMatch(e -> Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().endsWith("RemoteWindow") && f.getMethodName().startsWith("wait")));
    }

    /** Takes the first 1 MiB, then blocks every write (so the client grants no more window) until resumed. */
    private static final class StalledOutput extends OutputStream {
        final AtomicLong received = new AtomicLong();
        final CountDownLatch resume = new CountDownLatch(1);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (received.get() >= (1 << 20)) {
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            received.addAndGet(len);
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
