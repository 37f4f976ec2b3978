package dev.mags.wire.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts from PEM files as certbot, cert-manager and {@code openssl req} write them: a server's certificate
 * chain (leaf first) with its private key (PKCS #8, {@code BEGIN PRIVATE KEY}, RSA or EC), and a client's bundle of
 * certificates to trust (a private CA's, or a self-signed server certificate). Read once at start: a bad file is an
 * {@link IllegalArgumentException} naming it and what to do.
 */
public final class PemTls {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private PemTls() {}

    /** A server's context: presents {@code certificateChain}, proves it with {@code privateKey}. */
    public static SSLContext server(Path certificateChain, Path privateKey) {
        List<Certificate> chain = certificates(certificateChain, "give the PEM chain, leaf first");
        PrivateKey key = key(privateKey);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, new char[0], chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key in " + privateKey + " does not go with the certificate in "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** A client's context that trusts the certificates in {@code bundle} (and only them). */
    public static SSLContext trusting(Path bundle) {
        List<Certificate> trusted = certificates(bundle, "give the PEM certificate of the CA that signed the servers'"
                + " certificates");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("trusted-" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the certificates in " + bundle + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file, String whatToGive) {
        try {
            List<? extends Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no certificate; " + whatToGive
                        + " (-----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(certs);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the certificates in " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage(), e);
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException notThisOne) {
                        // try the next algorithm
                    }
                }
                throw new IllegalArgumentException(file + " holds a private key of an algorithm mags cannot use;"
                        + " give an RSA or EC key");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new IllegalArgumentException(file + " holds a '" + type + "'; convert it to PKCS #8 with: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
            }
        }
        throw new IllegalArgumentException(file + " holds no private key (-----BEGIN PRIVATE KEY-----)");
    }
}
