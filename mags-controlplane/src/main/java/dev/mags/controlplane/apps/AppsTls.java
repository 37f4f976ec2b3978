package dev.mags.controlplane.apps;

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

/**
 * TLS served by magsd itself on the apps' own listener, from a PEM certificate chain (a wildcard certificate for
 * {@code *.<apps-domain>}, leaf first) and its PEM private key (PKCS #8, {@code BEGIN PRIVATE KEY}, RSA or EC), as
 * certbot and {@code openssl req -newkey} write them. Read once at start: a bad file stops magsd with what to fix.
 */
public record AppsTls(Path certificateChain, Path privateKey) {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    /** The server context; throws IllegalArgumentException naming the file and what to do. */
    public SSLContext context() {
        List<Certificate> chain = certificates();
        PrivateKey key = key();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("apps", key, new char[0], chain.toArray(Certificate[]::new));
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

    private List<Certificate> certificates() {
        try {
            List<? extends Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certificateChain))));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(certificateChain + " holds no certificate; give the PEM chain, "
                        + "leaf first (-----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(certs);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the certificate chain " + certificateChain + ": "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(certificateChain + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private PrivateKey key() {
        String text;
        try {
            text = Files.readString(privateKey, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key " + privateKey + ": " + e.getMessage(), e);
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
                throw new IllegalArgumentException(privateKey + " holds a private key of an algorithm mags cannot use;"
                        + " give an RSA or EC key");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new IllegalArgumentException(privateKey + " holds a '" + type + "'; convert it to PKCS #8 with: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + privateKey + " -out key.pem");
            }
        }
        throw new IllegalArgumentException(privateKey + " holds no private key (-----BEGIN PRIVATE KEY-----)");
    }
}
