package dev.mags.storage.s3;

import dev.mags.storage.error.LocalIoException;
import dev.mags.storage.error.StoreUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * S3Proxy with its filesystem backend, on a loopback port: what single-node magsd runs when no S3
 * endpoint is configured. Each bucket is a directory under {@code root} and each object an ordinary file
 * at {@code root/<bucket>/<key>}, so a standard S3 client (s3cmd, rclone) sees ordinary objects. {@code root}
 * is made mode 0700: only the server's own user reaches the files.
 * Closing twice is harmless.
 */
public final class EmbeddedS3 implements AutoCloseable {
    public static final String REGION = "us-east-1";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final S3Proxy proxy;
    private final Path root;
    private final String accessKey;
    private final String secretKey;
    private final int port;
    private boolean stopped;

    private EmbeddedS3(S3Proxy proxy, Path root, String accessKey, String secretKey, int port) {
        this.proxy = proxy;
        this.root = root;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.port = port;
    }

    /** Starts on a free loopback port with freshly generated credentials. */
    public static EmbeddedS3 start(Path root) {
        return start(root, 0, "mags-" + random(8), random(24));
    }

    /** Starts on {@code port} (0: a free one) with the given credentials, e.g. to come back after a stop. */
    public static EmbeddedS3 start(Path root, int port, String accessKey, String secretKey) {
        try {
            // Every user's objects are in it. S3Proxy writes files with the process's umask, which Java cannot
            // set: the directory, the process's own alone, decides who reaches them.
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(root, OWNER_ONLY);
        } catch (IOException e) {
            throw new LocalIoException("cannot create the embedded S3 directory " + root + ": " + e.getMessage(), e);
        }
        int chosen = port == 0 ? freePort() : port;
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(root.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:" + chosen))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .jettyMaxThreads(64)
                .build();
        try {
            proxy.start();
            for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(proxy);
            throw new StoreUnavailableException("interrupted while starting the embedded S3 server on port " + chosen, e);
        } catch (Exception e) {
            stopQuietly(proxy);
            throw new StoreUnavailableException("cannot start the embedded S3 server on 127.0.0.1:" + chosen
                    + " with data in " + root + ": " + e.getMessage(), e);
        }
        if (!"STARTED".equals(proxy.getState())) {
            stopQuietly(proxy);
            throw new StoreUnavailableException("the embedded S3 server on 127.0.0.1:" + chosen + " did not start: "
                    + proxy.getState());
        }
        return new EmbeddedS3(proxy, root, accessKey, secretKey, chosen);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public Path root() {
        return root;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The client configuration for {@code bucket} on this server. */
    public S3Config config(String bucket) {
        return S3Config.of(endpoint(), REGION, bucket, accessKey, secretKey, true);
    }

    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            stopQuietly(proxy);
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // stopping is best effort: the port is released with the JVM at the latest
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new StoreUnavailableException("no free loopback port for the embedded S3 server", e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
