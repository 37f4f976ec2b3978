package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import dev.mags.agent.rootfs.DirectoryTree;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real slirp4netns against "sandboxes" that are processes in a network namespace owned by a user
 * namespace of their own (as a runc container's init is), and a "remote" server in another
 * namespace joined to the host by a veth pair. All traffic stays on this host.
 */
class SandboxNetworkIT {
    private static final SandboxNetwork.Timings TIMINGS =
            new SandboxNetwork.Timings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(100));

    private static ServerNamespace remote;
    private static NetnsProcess.Server remoteTcp;
    private static NetnsProcess.Server remoteUdp;
    private static NetnsProcess.Server remoteDns;

    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private Path sandboxes;

    @BeforeAll
    static void startRemote() throws Exception {
        remote = ServerNamespace.create();
        remoteTcp = remote.ns.serve("tcp", "7001", "hello from the remote server");
        remoteUdp = remote.ns.serve("udp", "7002");
        remoteDns = remote.ns.serve("dns", "53", "198.51.100.7");
    }

    @AfterAll
    static void stopRemote() throws Exception {
        if (remote != null) {
            remote.close();
        }
    }

    @BeforeEach
    void sandboxesDir() throws IOException {
        sandboxes = Files.createTempDirectory(Path.of("/tmp"), "mags-net-it-").resolve("sandboxes");
    }

    @AfterEach
    void closeAll() throws Exception {
        while (!cleanup.isEmpty()) {
            cleanup.pop().close();
        }
        assertThat(new NetworkReaper().leaks(sandboxes)).isEmpty();
        DirectoryTree.delete(sandboxes.getParent());
    }

    @Test
    void outboundTcpAndUdpReachAnAllowedRemoteThroughTheNat() throws Exception {
        NetnsProcess box = sandbox();
        attach(EgressPolicy.defaults().withAllowed(List.of(remote.network)), "s-out", box);

        Cmd tcp = box.tcpGet(remote.serverAddress, 7001);
        Cmd udp = box.udpGet(remote.serverAddress, 7002, "ping");

        assertThat(tcp.out()).as(tcp.toString()).contains("hello from the remote server");
        assertThat(udp.out()).as(udp.toString()).contains("echo:ping");
        // NAT: the remote sees the host's address, not the sandbox's 10.0.2.100.
        assertThat(remoteTcp.peers()).contains("conn " + remote.hostAddress).doesNotContain("conn 10.0.2.100");
        assertThat(remoteUdp.peers()).contains("datagram " + remote.hostAddress);
    }

    @Test
    void dnsGoesToSlirpsNameserverWhichAsksTheHostsResolver() throws Exception {
        // slirp4netns forwards 10.0.2.3 to the nameserver in the host's /etc/resolv.conf. To keep the
        // test on this host, slirp4netns here sees a resolv.conf naming the remote namespace's server.
        Path resolvConf = Files.createDirectories(sandboxes.getParent().resolve("etc")).resolve("resolv.conf");
        Files.writeString(resolvConf, "nameserver " + remote.serverAddress + "\n");
        ProcessLauncher system = ProcessLauncher.system();
        ProcessLauncher withResolvConf = argv -> system.start(!argv.get(0).equals(Slirp4netns.BINARY) ? argv
                : Stream.concat(Stream.of("unshare", "--mount", "--", "sh", "-c",
                        "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()), argv.stream()).toList());
        NetnsProcess box = sandbox();
        attach(network(withResolvConf, EgressPolicy.defaults()), "s-dns", box);

        Cmd lookup = box.exec("busybox", "nslookup", "files.example.test", SandboxNetwork.NAMESERVER);

        assertThat(lookup.out()).as(lookup.toString()).contains("198.51.100.7");
        // the server prints the query before it answers, but its output reaches us through a reader thread
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(remoteDns.peers())
                .anyMatch(l -> l.startsWith("query " + remote.hostAddress + " files.example.test")));
    }

    @Test
    void theDefaultPolicyKeepsPrivateNetworksOutOfReach() throws Exception {
        NetnsProcess box = sandbox();
        attach(EgressPolicy.defaults(), "s-private", box);
        int before = remoteTcp.peers().size();

        Cmd tcp = box.tcpGet(remote.serverAddress, 7001);

        assertThat(tcp.code()).isNotZero();
        assertThat(tcp.out()).contains("EHOSTUNREACH");
        assertThat(remoteTcp.peersAfter(Duration.ofMillis(200))).hasSize(before);
        // Asked of the routing table only: no packet goes toward a metadata service.
        assertThat(box.exec("ip", "route", "get", "169.254.169.254").err()).contains("No route to host");
    }

    @Test
    void theHostsLoopbackAndOwnAddressesAreUnreachableEvenWithNothingDenied() throws Exception {
        try (HostListener loopback = new HostListener("127.0.0.1"); HostListener any = new HostListener("0.0.0.0")) {
            // Read before attach, which reads them again: an address that appears later is not covered.
            List<String> hostAddresses = HostAddresses.system().current().stream().map(Inet4Address::getHostAddress).toList();
            NetnsProcess box = sandbox();
            attach(new EgressPolicy(List.of(), List.of()), "s-host", box);
            assertThat(hostAddresses).contains(remote.hostAddress);
            assertThat(Cmd.run(List.of("python3", NetnsProcess.NETSERVER.toString(), "tcp-get", "127.0.0.1",
                    Integer.toString(loopback.port()))).out()).as("control: reachable from the host").contains("host secret");
            int controlConnections = loopback.accepted();

            List<Cmd> attempts = new ArrayList<>();
            for (int port : List.of(loopback.port(), any.port())) {
                attempts.add(box.tcpGet(Slirp4netns.GATEWAY, port));
                for (String address : hostAddresses) {
                    attempts.add(box.tcpGet(address, port));
                }
            }

            assertThat(attempts).allSatisfy(a -> {
                assertThat(a.code()).as(a.toString()).isNotZero();
                assertThat(a.out()).doesNotContain("host secret");
            });
            assertThat(loopback.accepted()).isEqualTo(controlConnections);
            assertThat(any.accepted()).isZero();
            // With nothing denied the remote is reachable, but not the host's own end of the veth.
            assertThat(box.tcpGet(remote.serverAddress, 7001).out()).contains("hello from the remote server");
            assertThat(box.tcpGet(remote.hostAddress, any.port()).out()).contains("EHOSTUNREACH");
        }
    }

    @Test
    void sandboxesReachNeitherEachOtherNorEachOthersPorts() throws Exception {
        NetnsProcess a = sandbox();
        NetnsProcess b = sandbox();
        NetnsProcess.Server inB = b.serve("tcp", "8080", "hello from b");
        List<Inet4Address> hostAddresses = HostAddresses.system().current();
        attach(new EgressPolicy(List.of(), List.of()), "s-a", a);
        attach(EgressPolicy.defaults(), "s-b", b);
        try (NetnsDialer dialer = new NetnsDialer()) {
            int pidfd = NetnsDialer.pidfd(b.pid());
            try (Socket s = dialer.connect(pidfd, 8080)) {
                s.setSoTimeout(3000);
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                        .as("control: the dialer reaches b's port from inside b").isEqualTo("hello from b");
            } finally {
                NetnsDialer.closePidfd(pidfd);
            }
        }

        List<Cmd> attempts = new ArrayList<>();
        attempts.add(a.tcpGet(Slirp4netns.GATEWAY, 8080));              // the host's loopback
        for (Inet4Address host : hostAddresses) {
            attempts.add(a.tcpGet(host.getHostAddress(), 8080));
        }
        attempts.add(a.tcpGet(Slirp4netns.GUEST, 8080));                // b's address is a's own address

        assertThat(attempts).allSatisfy(c -> {
            assertThat(c.code()).as(c.toString()).isNotZero();
            assertThat(c.out()).doesNotContain("hello from b");
        });
        assertThat(inB.peersAfter(Duration.ofMillis(200))).hasSize(1);
    }

    @Test
    void theDialerTellsAnEndedProcessFromAPortWhereNothingListens() throws Exception {
        NetnsProcess box = sandbox();
        attach(EgressPolicy.defaults(), "s-dial", box);
        try (NetnsDialer dialer = new NetnsDialer()) {
            int pidfd = NetnsDialer.pidfd(box.pid());
            try {
                assertThatThrownBy(() -> dialer.connect(pidfd, 8081)).isInstanceOf(java.net.ConnectException.class);
                box.close();
                assertThatThrownBy(() -> dialer.connect(pidfd, 8081)).isInstanceOf(NetnsDialer.ProcessGoneException.class);
                assertThatThrownBy(() -> dialer.connect(pidfd, 0)).isInstanceOf(IllegalArgumentException.class);
            } finally {
                NetnsDialer.closePidfd(pidfd);
            }
        }
    }

    @Test
    void rootInTheSandboxWithoutNetAdminCannotRemoveTheRoutes() throws Exception {
        NetnsProcess box = sandbox();
        attach(EgressPolicy.defaults(), "s-caps", box);

        Cmd delete = box.execAsSandboxRoot("ip", "route", "del", "unreachable", "169.254.0.0/16");
        Cmd add = box.execAsSandboxRoot("ip", "route", "add", remote.network.toString(), "via", Slirp4netns.GATEWAY);

        assertThat(delete.code()).isNotZero();
        assertThat(delete.err()).contains("Operation not permitted");
        assertThat(add.err()).contains("Operation not permitted");
        assertThat(box.exec("ip", "route").out()).contains("unreachable 169.254.0.0/16").contains("unreachable 10.0.0.0/8");
    }

    @Test
    void closeLeavesNoProcessFileOrSocketAndIsHarmlessTwice() throws Exception {
        NetnsProcess box = sandbox();
        AttachedNetwork network = attach(EgressPolicy.defaults(), "s-close", box);
        long slirp = network.slirpPid();
        Path runDir = sandboxes.resolve("s-close/net");
        assertThat(runDir.resolve("slirp.sock")).exists();
        assertThat(new NetworkReaper().leaks(sandboxes)).hasSize(1);

        network.close();
        network.close();

        assertThat(ProcessHandle.of(slirp).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(runDir).doesNotExist();
        assertThat(new NetworkReaper().leaks(sandboxes)).isEmpty();
    }

    @Test
    void theNetworkStopsByItselfWhenTheSandboxEnds() throws Exception {
        NetnsProcess box = sandbox();
        AttachedNetwork network = attach(EgressPolicy.defaults(), "s-ends", box);
        long slirp = network.slirpPid();

        box.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(slirp).filter(ProcessHandle::isAlive).isEmpty()
                && !Files.exists(sandboxes.resolve("s-ends/net")));
        assertThat(network.isClosed()).isTrue();
    }

    @Test
    void refusesAProcessInTheHostsNetworkNamespace() {
        SandboxNetwork network = new SandboxNetwork(new CommandRunner(ProcessLauncher.system()), EgressPolicy.defaults());

        assertThatThrownBy(() -> network.attach("s-host-ns", ProcessHandle.current().pid(), sandboxes.resolve("s-host-ns/net")))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("agent's own network namespace");
    }

    @Test
    void attachTime() throws Exception {
        int n = 15;
        List<Long> attach = new ArrayList<>();
        List<Long> ready = new ArrayList<>();
        SandboxNetwork network = new SandboxNetwork(new CommandRunner(ProcessLauncher.system()), EgressPolicy.defaults());
        for (int i = 0; i < n; i++) {
            try (NetnsProcess box = NetnsProcess.sandbox()) {
                long t0 = System.nanoTime();
                try (AttachedNetwork attached = network.attach("s-time-" + i, box.pid(), sandboxes.resolve("s-time-" + i + "/net"))) {
                    attach.add(System.nanoTime() - t0);
                }
            }
            try (NetnsProcess box = NetnsProcess.sandbox()) {
                ready.add(slirpReadyNanos(box.pid(), sandboxes.resolve("s-ready-" + i)));
            }
        }
        System.out.printf("sandbox network: attach (slirp4netns ready + routes) median %.1f ms, max %.1f ms;"
                + " slirp4netns alone ready median %.1f ms (n=%d)%n", median(attach), max(attach), median(ready), n);
        assertThat(median(attach)).isLessThan(1000);
    }

    /** slirp4netns started and polled until its API answers, without routes: the "ready" part of attach. */
    private static long slirpReadyNanos(long pid, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path socket = dir.resolve("slirp.sock");
        SlirpApi api = new SlirpApi(socket, Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        SlirpProcess slirp = new Slirp4netns(ProcessLauncher.system()).start(pid, socket);
        try {
            while (true) {
                if (Files.exists(socket)) {
                    try {
                        api.listHostForwards();
                        return System.nanoTime() - t0;
                    } catch (NetworkException notYet) {
                        // retry
                    }
                }
                if (System.nanoTime() - t0 > Duration.ofSeconds(5).toNanos()) {
                    throw new AssertionError("slirp4netns not ready: " + slirp.output());
                }
                Thread.onSpinWait();
            }
        } finally {
            slirp.kill(Duration.ofSeconds(5));
            Files.deleteIfExists(socket);
        }
    }

    private NetnsProcess sandbox() {
        NetnsProcess box = NetnsProcess.sandbox();
        cleanup.push(box);
        return box;
    }

    private AttachedNetwork attach(EgressPolicy policy, String id, NetnsProcess box) {
        return attach(network(ProcessLauncher.system(), policy), id, box);
    }

    private AttachedNetwork attach(SandboxNetwork network, String id, NetnsProcess box) {
        AttachedNetwork attached = network.attach(id, box.pid(), sandboxes.resolve(id).resolve("net"));
        cleanup.push(attached);
        return attached;
    }

    private static SandboxNetwork network(ProcessLauncher launcher, EgressPolicy policy) {
        return new SandboxNetwork(new Slirp4netns(launcher), new Ip(new CommandRunner(launcher)), policy,
                HostAddresses.system(), Path.of("/proc"), TIMINGS);
    }

    private static String readLine(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 3000);
            s.setSoTimeout(3000);
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new IOException("connection to " + host + ":" + port + " closed without an answer");
            }
            return text;
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }

    private static double max(List<Long> nanos) {
        return Collections.max(nanos) / 1e6;
    }
}
