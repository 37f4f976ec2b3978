package dev.mags.agent.sandbox;

import dev.mags.agent.network.NetnsDialer;
import java.io.IOException;
import java.net.Socket;

/** A container's ports, dialled from inside its network namespace, named by a pidfd of its init. */
record InitPorts(NetnsDialer dialer, int pidfd) {
    Socket connect(int port) throws IOException {
        return dialer.connect(pidfd, port);
    }

    <T> T within(int port, NetnsDialer.Opener<T> opener) throws IOException {
        return dialer.within(pidfd, port, opener);
    }
}
