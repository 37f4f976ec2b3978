/**
 * The object store over S3: {@link dev.mags.storage.s3.S3ObjectStore} (AWS SDK v2), its configuration
 * {@link dev.mags.storage.s3.S3Config}, and {@link dev.mags.storage.s3.EmbeddedS3} (S3Proxy, filesystem backend).
 */
package dev.mags.storage.s3;
