package dev.mags.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate and its PKCS #8 key, as {@code openssl req -x509} writes them (PEM), for TLS in tests:
 * the certificate is its own CA, so a client that trusts it checks host names against its subject alternative names.
 *
 * @param certificate the PEM certificate
 * @param key         its PEM private key
 */
public record SelfSignedCertificate(Path certificate, Path key) {

    /**
     * Writes {@code <name>.pem} and {@code <name>-key.pem} into {@code dir}, an EC P-256 certificate valid for two
     * days for {@code names} (e.g. {@code "IP:127.0.0.1"}, {@code "DNS:localhost"}).
     */
    public static SelfSignedCertificate create(Path dir, String name, String... names) throws IOException {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + "-key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext",
                "subjectAltName=" + String.join(",", names), "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IOException("openssl could not make a certificate: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while openssl made a certificate", e);
        }
        return new SelfSignedCertificate(cert, key);
    }
}
