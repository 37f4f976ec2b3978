package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.HostLeaks;
import dev.mags.agent.ItHost;
import dev.mags.agent.Job;
import dev.mags.agent.JobSpec;
import dev.mags.agent.LocalAgent;
import dev.mags.agent.RecordingListener;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real sandboxes (runc, busybox image) with outbound network: NAT works toward a server in a
 * namespace of the test's own, and every way toward the host, its services and other sandboxes fails.
 */
class EscapeNetworkIT {
    private static ItHost host;
    private static LocalAgent agent;
    private static ServerNamespace remote;
    private static NetnsProcess.Server remoteTcp;

    @BeforeAll
    static void start() throws Exception {
        remote = ServerNamespace.create();
        remoteTcp = remote.ns.serve("tcp", "7001", "hello from the remote server");
        host = ItHost.create();
        // The remote sits in a private range, which the default policy denies: allow exactly its /30.
        agent = new LocalAgent(host.config.withEgress(EgressPolicy.defaults().withAllowed(List.of(remote.network)))
                .withWarmPool(dev.mags.agent.WarmPoolConfig.disabled()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (host != null) {
            host.close();
        }
        if (remoteTcp != null) {
            remoteTcp.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    private record Run(ExecExit exit, List<String> stdout, List<String> stderr) {}

    private static Job start(String script, RecordingListener out) {
        return Job.launch(agent, new JobSpec(ItHost.uniqueId("net"), "busybox", List.of("sh", "-c", script), Map.of(),
                Duration.ofSeconds(30), SandboxLimits.DEFAULT, NetworkMode.OUTBOUND), out);
    }

    private static Run run(String script) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = start(script, out).exit().get(60, TimeUnit.SECONDS);
        return new Run(exit, out.stdout(), out.stderr());
    }

    @Test
    void outboundNatReachesAServerInANamespaceOfTheTestsOwn() throws Exception {
        int before = remoteTcp.peers().size();
        Run run = run("nc -w 5 " + remote.serverAddress + " 7001");

        assertThat(run.stdout()).containsExactly("hello from the remote server");
        // The remote sees the host's address: the sandbox's own address never leaves the NAT.
        assertThat(remoteTcp.peersAfter(Duration.ofMillis(200))).hasSize(before + 1)
                .last().isEqualTo("conn " + remote.hostAddress);
    }

    @Test
    void theSandboxUsesSlirpsNameServerAndItsOwnHostName() throws Exception {
        Run run = run("cat /etc/resolv.conf; hostname; ip -4 route | grep -c unreachable");
        assertThat(run.stdout()).contains("nameserver " + SandboxNetwork.NAMESERVER, "mags-vm");
        assertThat(Integer.parseInt(run.stdout().getLast())).as("unreachable routes").isPositive();
    }

    @Test
    void theHostsLoopbackServicesAndOwnAddressesAreUnreachable() throws Exception {
        try (HostListener loopback = new HostListener("127.0.0.1"); HostListener any = new HostListener("0.0.0.0")) {
            StringBuilder script = new StringBuilder();
            for (int port : List.of(loopback.port(), any.port())) {
                script.append("nc -w 2 127.0.0.1 ").append(port).append("; ");
                script.append("nc -w 2 ").append(Slirp4netns.GATEWAY).append(' ').append(port).append("; ");
                for (Inet4Address address : HostAddresses.system().current()) {
                    script.append("nc -w 2 ").append(address.getHostAddress()).append(' ').append(port).append("; ");
                }
            }
            Run run = run(script + "echo done");

            assertThat(run.stdout()).containsExactly("done");
            assertThat(run.stderr()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("nc: can't connect"));
            assertThat(loopback.accepted()).isZero();
            assertThat(any.accepted()).isZero();
        }
    }

    @Test
    void linkLocalAndPrivateRangesOutsideTheAllowedOneAreUnreachable() throws Exception {
        Run run = run("ip route get 169.254.169.254; ip route get 192.168.1.1; ip route get 10.0.0.1; echo done");
        assertThat(run.stdout()).containsExactly("done");
        assertThat(run.stderr()).hasSize(3).allSatisfy(line -> assertThat(line).contains("No route to host"));
    }

    @Test
    void aSandboxPortIsReachedFromInsideItsNetworkOnlyNeitherByAnotherSandboxNorOnTheHost() throws Exception {
        RecordingListener serverOut = new RecordingListener();
        Job server = start("echo hello-from-inside | nc -l -p 8080", serverOut);
        String answer = readFirstLine(server, 8080);

        // Another sandbox tries the port through every way it could see the host or the sandbox.
        StringBuilder script = new StringBuilder("nc -w 2 127.0.0.1 8080; nc -w 2 10.0.2.2 8080; nc -w 2 10.0.2.100 8080; ");
        for (Inet4Address address : HostAddresses.system().current()) {
            script.append("nc -w 2 ").append(address.getHostAddress()).append(" 8080; ");
        }
        Run other = run(script + "echo done");
        assertThat(other.stdout()).containsExactly("done");
        assertThat(String.join("\n", other.stderr())).doesNotContain("hello-from-inside");
        assertThat(answer).isEqualTo("hello-from-inside");
        server.exit().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> server.connect(8080)).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_FOUND));
    }

    @Test
    void aSandboxWithoutNetworkHasOnlyLoopbackYetItsPortsCanBeReached() throws Exception {
        RecordingListener out = new RecordingListener();
        Job sandbox = Job.launch(agent, new JobSpec(ItHost.uniqueId("nonet"), "busybox",
                List.of("sh", "-c", "ip -o link | cut -d: -f2; nc -w 2 1.1.1.1 80; echo hello-offline | nc -l -p 80"),
                Map.of(), Duration.ofSeconds(30), SandboxLimits.DEFAULT, NetworkMode.NONE), out);
        assertThat(readFirstLine(sandbox, 80)).isEqualTo("hello-offline");
        sandbox.exit().get(30, TimeUnit.SECONDS);
        assertThat(out.stdout()).containsExactly(" lo");
        assertThat(out.stderr()).singleElement().asString().contains("Network is unreachable");
    }

    /** The first line a server in the sandbox answers, once it listens (its script starts it at its own pace). */
    private static String readFirstLine(Job job, int port) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket s = job.connect(port);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                s.setSoTimeout(5000);
                return in.readLine();
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listened on port " + port + " in the sandbox within 5 s");
    }

    @Test
    void nothingOfTheNetworkOutlivesItsSandbox() throws Exception {
        run("echo bye");
        assertThat(new NetworkReaper().find(host.config.sandboxesDir())).isEmpty();
        assertThat(HostLeaks.scan(host.config)).isEmpty();
        try (var dirs = Files.list(host.config.sandboxesDir())) {
            assertThat(dirs).isEmpty();
        }
    }
}
