package dev.mags.dist;

import picocli.CommandLine.Option;

/** Where workspaces and uploaded files are stored (S3), and how often and how many snapshots are kept. */
final class StorageOptions {
    @Option(names = "--s3-endpoint", defaultValue = "${env:MAGS_S3_ENDPOINT}",
            description = "S3 endpoint for persistent workspaces, e.g. https://s3.eu-west-1.amazonaws.com or "
                    + "http://minio:9000 (env MAGS_S3_ENDPOINT). Without one, an embedded S3 server runs on a loopback "
                    + "port with its objects under <data-dir>/s3/ and its endpoint and keys in <data-dir>/s3.json.")
    String s3Endpoint;

    @Option(names = "--s3-region", defaultValue = "${env:MAGS_S3_REGION:-us-east-1}", description = "env MAGS_S3_REGION")
    String s3Region;

    @Option(names = "--s3-bucket", defaultValue = "${env:MAGS_S3_BUCKET:-mags}", description = "env MAGS_S3_BUCKET")
    String s3Bucket;

    @Option(names = "--s3-access-key", defaultValue = "${env:MAGS_S3_ACCESS_KEY}", description = "env MAGS_S3_ACCESS_KEY")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", defaultValue = "${env:MAGS_S3_SECRET_KEY}", description = "env MAGS_S3_SECRET_KEY")
    String s3SecretKey;

    @Option(names = "--s3-path-style", defaultValue = "${env:MAGS_S3_PATH_STYLE:-true}",
            description = "env MAGS_S3_PATH_STYLE")
    boolean s3PathStyle;

    @Option(names = "--workspace-sync-interval", defaultValue = "${env:MAGS_WORKSPACE_SYNC_INTERVAL:-30}",
            description = "A persistent workspace's live sandbox is synced to storage this often, in seconds "
                    + "(default ${DEFAULT-VALUE}), and always when it ends.")
    long workspaceSyncIntervalSeconds;

    @Option(names = "--snapshot-keep", defaultValue = "${env:MAGS_SNAPSHOT_KEEP:-10}",
            description = "Snapshots kept per persistent workspace; older ones are deleted after each sync "
                    + "(default ${DEFAULT-VALUE}).")
    int snapshotKeep;

    MagsdConfig.S3Settings s3() {
        return new MagsdConfig.S3Settings(s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey, s3PathStyle);
    }
}
