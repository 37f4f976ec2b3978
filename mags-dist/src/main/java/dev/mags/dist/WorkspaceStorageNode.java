package dev.mags.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mags.agent.workspace.SyncMeters;
import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.controlplane.files.FileBlobs;
import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.storage.s3.S3Config;
import dev.mags.storage.s3.S3ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspace storage of one magsd: the S3 store (the embedded S3Proxy under {@code <data-dir>/s3/} unless
 * an endpoint is configured), the snapshot library over it, and an hourly garbage collection. Closes
 * what it opened in reverse order.
 */
final class WorkspaceStorageNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceStorageNode.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long GC_PERIOD_MINUTES = 60;

    private final Deque<AutoCloseable> opened;
    private final WorkspaceBackup backup;
    private final FileBlobs files;

    private WorkspaceStorageNode(Deque<AutoCloseable> opened, WorkspaceBackup backup, FileBlobs files) {
        this.opened = opened;
        this.backup = backup;
        this.files = files;
    }

    /**
     * What one process needs of storage.
     *
     * @param collectGarbage while this says so, the process runs the hourly garbage collection (one process per
     *                       store should: a single node, a cluster's leading control plane)
     */
    record Settings(Path dataDir, MagsdConfig.S3Settings s3, int snapshotKeep, Duration syncInterval,
                    java.util.function.BooleanSupplier collectGarbage) {
        static Settings of(MagsdConfig cfg) {
            return new Settings(cfg.dataDir(), cfg.s3(), cfg.snapshotKeep(), cfg.workspaceSyncInterval(), () -> true);
        }

        Settings collectingWhile(java.util.function.BooleanSupplier leads) {
            return new Settings(dataDir, s3, snapshotKeep, syncInterval, leads);
        }

        Path embeddedS3File() {
            return dataDir.resolve("s3.json");
        }

        /** Where the embedded S3 store keeps its buckets, when no endpoint is configured. */
        Path embeddedS3Root() {
            return dataDir.resolve("s3");
        }

        boolean embeddedS3() {
            return s3.endpoint() == null || s3.endpoint().isBlank();
        }
    }

    /** @param meters where the syncs' times and failures go */
    static WorkspaceStorageNode open(MagsdConfig cfg, io.micrometer.core.instrument.MeterRegistry meters) {
        return open(Settings.of(cfg), meters);
    }

    /** @param meters where the syncs' times and failures go */
    static WorkspaceStorageNode open(Settings cfg, io.micrometer.core.instrument.MeterRegistry meters) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            S3Config s3 = s3Config(cfg, opened);
            S3ObjectStore store = S3ObjectStore.open(s3);
            opened.push(store);
            Path index = cfg.dataDir().resolve("workspace-index"); // file names of users' workspaces
            if (!Files.isDirectory(index)) {
                Files.createDirectory(index, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            WorkspaceStorage storage = new WorkspaceStorage(store,
                    StorageSettings.defaults(index).withKeepLast(cfg.snapshotKeep()));
            ScheduledExecutorService gc = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("workspace-gc").daemon().factory());
            opened.push(gc::shutdownNow);
            gc.scheduleWithFixedDelay(() -> {
                if (cfg.collectGarbage().getAsBoolean()) {
                    collect(storage);
                }
            }, GC_PERIOD_MINUTES, GC_PERIOD_MINUTES, TimeUnit.MINUTES);
            LOG.info("workspace storage: bucket {} at {}", s3.bucket(), s3.endpoint());
            return new WorkspaceStorageNode(opened,
                    new WorkspaceBackup(storage, cfg.dataDir().resolve("bases"), cfg.syncInterval(),
                            new SyncMeters(meters)),
                    cfg.embeddedS3() ? new EmbeddedStoreFileBlobs(cfg.embeddedS3Root().resolve(s3.bucket()))
                            : new BucketFileBlobs(store));
        } catch (IOException e) {
            closeAll(opened);
            throw new UncheckedIOException("cannot create the workspace index in " + cfg.dataDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * Uploaded files, in the same bucket under {@code files/}: written straight into the embedded store's directory
     * when magsd runs it, through the S3 API otherwise.
     */
    FileBlobs files() {
        return files;
    }

    WorkspaceBackup backup() {
        return backup;
    }

    private static S3Config s3Config(Settings cfg, Deque<AutoCloseable> opened) {
        MagsdConfig.S3Settings s = cfg.s3();
        if (!cfg.embeddedS3()) {
            if (s.accessKey() == null || s.secretKey() == null) {
                throw new IllegalArgumentException("--s3-endpoint needs --s3-access-key and --s3-secret-key "
                        + "(or MAGS_S3_ACCESS_KEY and MAGS_S3_SECRET_KEY)");
            }
            return S3Config.of(URI.create(s.endpoint()), s.region(), s.bucket(), s.accessKey(), s.secretKey(), s.pathStyle());
        }
        String[] keys = embeddedKeys(cfg.embeddedS3File());
        EmbeddedS3 embedded = EmbeddedS3.start(cfg.embeddedS3Root(), 0, keys[0], keys[1]);
        opened.push(embedded);
        S3Config config = embedded.config(s.bucket());
        writeEmbeddedFile(cfg.embeddedS3File(), config);
        return config;
    }

    /** The embedded server's keys: kept across restarts, so S3 clients configured once keep working. */
    static String[] embeddedKeys(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                var node = JSON.readTree(file.toFile());
                return new String[] {node.path("access_key").asText(), node.path("secret_key").asText()};
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}; the embedded S3 server gets new keys: {}", file, e.getMessage());
        }
        return new String[] {"mags-" + random(8), random(24)};
    }

    static void writeEmbeddedFile(Path file, S3Config config) {
        ObjectNode node = JSON.createObjectNode()
                .put("endpoint", config.endpoint().toString())
                .put("region", config.region())
                .put("bucket", config.bucket())
                .put("access_key", config.accessKey())
                .put("secret_key", config.secretKey());
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void collect(WorkspaceStorage storage) {
        try {
            var report = storage.collectGarbage();
            LOG.info("workspace storage garbage collection: {}", report);
        } catch (RuntimeException e) {
            LOG.warn("workspace storage garbage collection failed; it runs again in {} minutes: {}", GC_PERIOD_MINUTES,
                    e.getMessage());
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        closeAll(opened);
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                LOG.warn("error while closing workspace storage", e);
            }
        }
    }
}
