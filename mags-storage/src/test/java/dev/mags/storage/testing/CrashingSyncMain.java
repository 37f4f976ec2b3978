package dev.mags.storage.testing;

import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.s3.S3Config;
import dev.mags.storage.s3.S3ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate JVM that syncs a tree slowly (each put delayed) so that a test can kill it with SIGKILL at a
 * chosen point. Arguments: endpoint accessKey secretKey bucket tree stateDir owner workspace putDelayMs.
 */
public final class CrashingSyncMain {
    private CrashingSyncMain() {}

    public static void main(String[] args) {
        S3Config config = S3Config.of(URI.create(args[0]), "us-east-1", args[3], args[1], args[2], true);
        try (S3ObjectStore s3 = S3ObjectStore.open(config)) {
            FaultInjectingObjectStore slow = new FaultInjectingObjectStore(s3).delayPuts(Duration.ofMillis(Long.parseLong(args[8])));
            WorkspaceStorage storage = new WorkspaceStorage(slow, StorageSettings.defaults(Path.of(args[5])));
            System.out.println("STARTED");
            System.out.flush();
            var info = storage.sync(Path.of(args[4]), WorkspaceRef.of(args[6], args[7]), p -> { });
            System.out.println("SYNCED " + info.id());
        }
    }
}
