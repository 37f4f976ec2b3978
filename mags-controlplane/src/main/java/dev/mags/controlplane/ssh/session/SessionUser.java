package dev.mags.controlplane.ssh.session;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;

/** The user an SSH session authenticated as, kept on the session by the key authenticator. */
public final class SessionUser {
    private static final AttributeKey<String> USER_ID = new AttributeKey<>();

    private SessionUser() {}

    public static void set(ServerSession session, String userId) {
        session.setAttribute(USER_ID, userId);
    }

    /** The user's id; a channel only opens on an authenticated session, so one is always there. */
    public static String of(ServerSession session) {
        String user = session.getAttribute(USER_ID);
        if (user == null) {
            throw new IllegalStateException("SSH session " + session + " has no authenticated user");
        }
        return user;
    }
}
