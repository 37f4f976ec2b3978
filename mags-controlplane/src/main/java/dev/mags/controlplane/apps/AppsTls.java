package dev.mags.controlplane.apps;

import dev.mags.wire.tls.PemTls;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * TLS served by magsd itself on the apps' own listener, from a PEM certificate chain (a wildcard certificate for
 * {@code *.<apps-domain>}, leaf first) and its PEM private key (PKCS #8, {@code BEGIN PRIVATE KEY}, RSA or EC), as
 * certbot and {@code openssl req -newkey} write them. Read once at start: a bad file stops magsd with what to fix.
 */
public record AppsTls(Path certificateChain, Path privateKey) {
    /** The server context; throws IllegalArgumentException naming the file and what to do. */
    public SSLContext context() {
        return PemTls.server(certificateChain, privateKey);
    }
}
