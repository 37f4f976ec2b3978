package dev.mags.controlplane.ssh;

import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import dev.mags.controlplane.ssh.session.SessionUser;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication: a key is accepted when a user registered it, and the session then acts for that
 * user. The login name plays no part here (it names a sandbox, looked up per channel), so a refusal says
 * nothing about which names exist.
 */
final class KeyAuthenticator implements PublickeyAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);

    private final SshUserKeys keys;

    KeyAuthenticator(SshUserKeys keys) {
        this.keys = keys;
    }

    @Override
    public boolean authenticate(String loginName, PublicKey key, ServerSession session) {
        if (key instanceof OpenSshCertificate) {
            // MINA checks a certificate's own signature, not whether its CA is trusted: none is.
            LOG.debug("SSH login of {} from {}: certificates are not accepted", loginName, session.getClientAddress());
            return false;
        }
        Optional<String> user;
        try {
            user = keys.userOf(key);
        } catch (RuntimeException e) {
            LOG.warn("SSH login of {} from {}: cannot look up the key: {}", loginName, session.getClientAddress(),
                    e.toString());
            return false;
        }
        if (user.isEmpty()) {
            LOG.debug("SSH login of {} from {}: key {} is not registered", loginName, session.getClientAddress(),
                    PublicKeys.fingerprint(key));
            return false;
        }
        // Called for the client's offer and again for its signature: the same key gives the same user both times.
        SessionUser.set(session, user.get());
        return true;
    }
}
