package dev.mags.agent.network;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace standing in for "somewhere outside": joined to the host by a veth pair on a
 * random /30 in 10.213.0.0/16, the host end {@code .1}, the namespace end {@code .2}. The namespace
 * is held by a process, not named under /run/netns, so there is no bind mount to forget; closing
 * kills that process and deletes the veth pair.
 */
final class ServerNamespace implements AutoCloseable {
    final NetnsProcess ns;
    final String hostVeth;
    final Cidr network;
    final String hostAddress;
    final String serverAddress;

    private ServerNamespace(NetnsProcess ns, String hostVeth, Cidr network, String hostAddress, String serverAddress) {
        this.ns = ns;
        this.hostVeth = hostVeth;
        this.network = network;
        this.hostAddress = hostAddress;
        this.serverAddress = serverAddress;
    }

    static ServerNamespace create() throws InterruptedException {
        String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String hostVeth = "mgi" + tag;
        String peer = hostVeth + "p";
        String addresses = Cmd.ok("ip", "-4", "-o", "addr").out() + Cmd.ok("ip", "-4", "route").out();
        String base;
        do {
            base = "10.213." + ThreadLocalRandom.current().nextInt(256) + "." + 4 * ThreadLocalRandom.current().nextInt(64);
        } while (addresses.contains(base.substring(0, base.lastIndexOf('.') + 1)));
        String prefix = base.substring(0, base.lastIndexOf('.') + 1);
        int last = Integer.parseInt(base.substring(base.lastIndexOf('.') + 1));
        String hostAddress = prefix + (last + 1);
        String serverAddress = prefix + (last + 2);
        NetnsProcess ns = NetnsProcess.plain();
        ServerNamespace created = new ServerNamespace(ns, hostVeth, Cidr.parse(base + "/30"), hostAddress, serverAddress);
        try {
            Cmd.ok("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", peer);
            Cmd.ok("ip", "link", "set", peer, "netns", Long.toString(ns.pid()));
            Cmd.ok("ip", "addr", "add", hostAddress + "/30", "dev", hostVeth);
            Cmd.ok("ip", "link", "set", hostVeth, "up");
            String pid = Long.toString(ns.pid());
            Cmd.ok("nsenter", "--target", pid, "--net", "--", "ip", "addr", "add", serverAddress + "/30", "dev", peer);
            Cmd.ok("nsenter", "--target", pid, "--net", "--", "ip", "link", "set", peer, "up");
            Cmd.ok("nsenter", "--target", pid, "--net", "--", "ip", "link", "set", "lo", "up");
            return created;
        } catch (RuntimeException | Error e) {
            created.close();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        ns.close(); // the namespace ends, and with it the veth end inside and its peer
        if (Cmd.run(List.of("ip", "link", "show", hostVeth)).code() == 0) {
            Cmd.run(List.of("ip", "link", "del", hostVeth));
        }
    }
}
