package dev.mags.storage.s3;

import dev.mags.storage.error.InvalidStorageArgumentException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the workspace bucket is and how to talk to it (magsd's {@code --s3-*} options).
 *
 * @param endpoint       e.g. {@code http://127.0.0.1:9000}; required (AWS: {@code https://s3.eu-west-1.amazonaws.com})
 * @param region         signing region; S3-compatible stores usually accept {@code us-east-1}
 * @param bucket         created if missing
 * @param pathStyle      {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; MinIO, S3Proxy need it
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout one HTTP attempt (socket read) timeout; the whole call, retries included, gets three times this
 * @param maxConnections size of the HTTP connection pool, at least the upload parallelism
 */
public record S3Config(URI endpoint, String region, String bucket, String accessKey, String secretKey, boolean pathStyle,
                       Duration connectTimeout, Duration requestTimeout, int maxConnections) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 32;

    /** Validates every field and names all the bad ones in one message. */
    public S3Config {
        List<String> problems = new ArrayList<>();
        if (endpoint == null) {
            problems.add("endpoint is missing");
        } else if (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) {
            problems.add("endpoint " + endpoint + " is not an http(s) URL with a host");
        }
        if (region == null || region.isBlank()) {
            problems.add("region is missing");
        }
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            problems.add("bucket " + (bucket == null ? "is missing" : "'" + bucket + "' is not a valid S3 bucket name"));
        }
        if (accessKey == null || accessKey.isBlank()) {
            problems.add("access key is missing");
        }
        if (secretKey == null || secretKey.isBlank()) {
            problems.add("secret key is missing");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            problems.add("connect timeout must be positive");
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            problems.add("request timeout must be positive");
        }
        if (maxConnections < 1) {
            problems.add("max connections must be at least 1");
        }
        if (!problems.isEmpty()) {
            throw new InvalidStorageArgumentException("invalid S3 configuration: " + String.join("; ", problems));
        }
    }

    /** A config with the default timeouts and pool size. */
    public static S3Config of(URI endpoint, String region, String bucket, String accessKey, String secretKey, boolean pathStyle) {
        return new S3Config(endpoint, region, bucket, accessKey, secretKey, pathStyle,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    public S3Config withTimeouts(Duration connect, Duration request) {
        return new S3Config(endpoint, region, bucket, accessKey, secretKey, pathStyle, connect, request, maxConnections);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "S3Config[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", accessKey=" + accessKey
                + ", secretKey=***, pathStyle=" + pathStyle + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxConnections=" + maxConnections + "]";
    }
}
