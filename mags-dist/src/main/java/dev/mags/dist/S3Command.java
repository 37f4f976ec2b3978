package dev.mags.dist;

import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.storage.s3.S3Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code magsd s3}: the S3 server that {@code magsd serve} embeds, on its own, for the control planes and agents of
 * a small cluster on one network (or a test). Its endpoint and keys are written to {@code <data-dir>/s3.json}.
 */
@Command(name = "s3", mixinStandardHelpOptions = true,
        description = {"Run the embedded S3 server alone (objects under <data-dir>/s3/, endpoint and keys in "
                + "<data-dir>/s3.json), for the control planes and agents of a small cluster or a trial. It listens "
                + "on the loopback address only: a cluster on several hosts uses an S3 service (AWS S3, MinIO, ...)."})
final class S3Command implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(S3Command.class);

    @Option(names = "--data-dir", defaultValue = "${env:MAGS_DATA_DIR:-/var/lib/mags}",
            description = "Where the objects and s3.json are kept (env MAGS_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "${env:MAGS_S3_PORT:-9000}",
            description = "Port on 127.0.0.1 (env MAGS_S3_PORT, default ${DEFAULT-VALUE}; 0 for a free one).")
    int port;

    @Option(names = "--s3-bucket", defaultValue = "${env:MAGS_S3_BUCKET:-mags}",
            description = "Bucket written to s3.json (env MAGS_S3_BUCKET, default ${DEFAULT-VALUE}).")
    String bucket;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path file = dir.resolve("s3.json");
        String[] keys = WorkspaceStorageNode.embeddedKeys(file);
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), port, keys[0], keys[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s3.close();
            stopped.countDown();
        }, "magsd-s3-shutdown"));
        S3Config config = s3.config(bucket);
        WorkspaceStorageNode.writeEmbeddedFile(file, config);
        LOG.info("magsd s3 serving {} (bucket {}; endpoint and keys in {})", config.endpoint(), bucket, file);
        stopped.await();
        return 0;
    }
}
