package dev.mags.storage.s3;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.error.StoreRejectedException;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.object.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectStore} over the AWS SDK for Java v2: AWS S3, MinIO, S3Proxy or any S3-compatible store.
 * The bucket is created on {@link #open} if missing. Every SDK failure becomes a storage exception that
 * names the endpoint, the action and the key.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final S3Config config;
    private final String endpoint;

    private S3ObjectStore(S3Client s3, S3Config config) {
        this.s3 = s3;
        this.config = config;
        this.endpoint = config.endpoint().toString();
    }

    /** Connects and makes sure the bucket exists; throws {@code StoreUnavailableException} if S3 cannot be reached. */
    public static S3ObjectStore open(S3Config config) {
        S3Client client = S3Client.builder()
                .endpointOverride(config.endpoint())
                .region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKey(), config.secretKey())))
                .forcePathStyle(config.pathStyle())
                // Integrity is ours (every chunk is verified against its SHA-256); flexible checksums are
                // not implemented by every S3-compatible store, so send them only where S3 requires them.
                // One signed payload hash per object rather than a signature per 128 KiB chunk, which the store
                // then checks chunk by chunk: a put costs one hash pass on each side.
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(config.connectTimeout())
                        .socketTimeout(config.requestTimeout())
                        .connectionAcquisitionTimeout(config.requestTimeout())
                        .maxConnections(config.maxConnections()))
                .overrideConfiguration(c -> c
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(config.requestTimeout())
                        .apiCallTimeout(config.requestTimeout().multipliedBy(3)))
                .build();
        S3ObjectStore store = new S3ObjectStore(client, config);
        try {
            store.ensureBucket();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return store;
    }

    private void ensureBucket() {
        String bucket = config.bucket();
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw S3Errors.translate(e, "checking bucket " + bucket, endpoint);
            }
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, "checking bucket " + bucket, endpoint);
        }
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw S3Errors.translate(e, "creating bucket " + bucket, endpoint);
            }
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, "creating bucket " + bucket, endpoint);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        try {
            s3.putObject(b -> b.bucket(config.bucket()).key(key).ifNoneMatch("*"), RequestBody.fromBytes(data));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw S3Errors.translate(e, action("uploading", key), endpoint);
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, action("uploading", key), endpoint);
        }
    }

    @Override
    public void put(String key, byte[] data) {
        try {
            s3.putObject(b -> b.bucket(config.bucket()).key(key), RequestBody.fromBytes(data));
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, action("uploading", key), endpoint);
        }
    }

    @Override
    public InputStream get(String key) {
        String action = action("downloading", key);
        InputStream in;
        try {
            in = s3.getObject(b -> b.bucket(config.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            throw new NotFoundException("no object " + key + " in bucket " + config.bucket() + " at " + endpoint, e);
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, action, endpoint);
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException | RuntimeException e) {
                    throw new IOException(S3Errors.translate(asRuntime(e), action, endpoint).getMessage(), e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw new IOException(S3Errors.translate(asRuntime(e), action, endpoint).getMessage(), e);
                }
            }
        };
    }

    @Override
    public byte[] getBytes(String key) {
        return read(key, null);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        if (length == 0) {
            return new byte[0];
        }
        byte[] data = read(key, "bytes=" + offset + "-" + (offset + length - 1));
        if (data.length != length) {
            throw new CorruptDataException("object " + key + " in bucket " + config.bucket() + " at " + endpoint
                    + " returned " + data.length + " bytes for a range of " + length + " at " + offset);
        }
        return data;
    }

    /**
     * The object, or its {@code range} (null: all of it), in one array of the response's length, filled in one
     * copy: {@code getObjectAsBytes} and {@code readAllBytes} gather buffers first and copy them into the result.
     */
    private byte[] read(String key, String range) {
        String action = action("downloading", key);
        byte[] data;
        int n;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(config.bucket()).key(key).range(range))) {
            Long size = in.response().contentLength();
            if (size == null) {
                return in.readAllBytes();
            }
            data = new byte[Math.toIntExact(size)];
            n = in.readNBytes(data, 0, data.length);
        } catch (NoSuchKeyException e) {
            throw new NotFoundException("no object " + key + " in bucket " + config.bucket() + " at " + endpoint, e);
        } catch (IOException | RuntimeException e) {
            throw S3Errors.translate(asRuntime(e), action, endpoint);
        }
        if (n != data.length) {
            throw new CorruptDataException("object " + key + " in bucket " + config.bucket() + " at " + endpoint
                    + " ended after " + n + " of its " + data.length + " bytes");
        }
        return data;
    }

    private static RuntimeException asRuntime(Exception e) {
        return e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((IOException) e);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            var r = s3.headObject(b -> b.bucket(config.bucket()).key(key));
            return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw S3Errors.translate(e, action("checking", key), endpoint);
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, action("checking", key), endpoint);
        }
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) {
        return S3Listing.stream(s3, config.bucket(), prefix, e -> S3Errors.translate(e, "listing " + prefix, endpoint));
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(config.bucket()).key(key));
        } catch (RuntimeException e) {
            throw S3Errors.translate(e, action("deleting", key), endpoint);
        }
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> ids = all.subList(from, Math.min(all.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse r;
            try {
                r = s3.deleteObjects(b -> b.bucket(config.bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
            } catch (RuntimeException e) {
                throw S3Errors.translate(e, "deleting " + ids.size() + " objects", endpoint);
            }
            if (r.hasErrors() && !r.errors().isEmpty()) {
                var first = r.errors().get(0);
                throw new StoreRejectedException("S3 at " + endpoint + " refused to delete " + r.errors().size()
                        + " objects, first " + first.key() + ": " + first.code() + " " + first.message());
            }
        }
    }

    @Override
    public String describe() {
        return "S3 " + endpoint + " bucket " + config.bucket();
    }

    private String action(String verb, String key) {
        String what = key.startsWith("chunks/") ? "chunk " : key.contains("/snapshots/") ? "manifest " : "object ";
        return verb + " " + what + key;
    }

    @Override
    public void close() {
        s3.close();
    }
}
