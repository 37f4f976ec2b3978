package dev.mags.storage.testing;

import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.storage.s3.S3Config;
import dev.mags.storage.s3.S3ObjectStore;
import java.nio.file.Path;
import java.time.Duration;

/** An embedded S3 server under a temp dir and a client for its bucket; stoppable and restartable on the same port. */
public final class S3Fixture implements AutoCloseable {
    public static final String BUCKET = "mags-test";

    private final Path root;
    private EmbeddedS3 s3;
    private final S3ObjectStore store;

    public S3Fixture(Path root) {
        this.root = root;
        this.s3 = EmbeddedS3.start(root);
        this.store = S3ObjectStore.open(config());
    }

    public S3Config config() {
        return s3.config(BUCKET).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    public S3ObjectStore store() {
        return store;
    }

    public EmbeddedS3 server() {
        return s3;
    }

    /** The bucket's directory: each object is a file here. */
    public Path bucketDir() {
        return root.resolve(BUCKET);
    }

    public void stopServer() {
        s3.close();
    }

    public void restartServer() {
        s3 = EmbeddedS3.start(root, s3.port(), s3.accessKey(), s3.secretKey());
    }

    @Override
    public void close() {
        store.close();
        s3.close();
    }
}
