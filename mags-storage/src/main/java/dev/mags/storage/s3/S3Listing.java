package dev.mags.storage.s3;

import dev.mags.storage.error.StorageException;
import dev.mags.storage.object.ObjectInfo;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/** A lazy stream over ListObjectsV2 pages; a failure on any page surfaces as a storage exception. */
final class S3Listing extends Spliterators.AbstractSpliterator<ObjectInfo> {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Function<RuntimeException, StorageException> errors;
    private final Deque<ObjectInfo> page = new ArrayDeque<>();
    private String continuation;
    private boolean done;

    private S3Listing(S3Client s3, String bucket, String prefix, Function<RuntimeException, StorageException> errors) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.errors = errors;
    }

    static Stream<ObjectInfo> stream(S3Client s3, String bucket, String prefix,
                                     Function<RuntimeException, StorageException> errors) {
        return StreamSupport.stream(new S3Listing(s3, bucket, prefix, errors), false);
    }

    @Override
    public boolean tryAdvance(Consumer<? super ObjectInfo> action) {
        while (page.isEmpty() && !done) {
            fetch();
        }
        ObjectInfo next = page.poll();
        if (next == null) {
            return false;
        }
        action.accept(next);
        return true;
    }

    private void fetch() {
        ListObjectsV2Response r;
        try {
            r = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).continuationToken(continuation));
        } catch (RuntimeException e) {
            throw errors.apply(e);
        }
        r.contents().forEach(o -> page.add(new ObjectInfo(o.key(), o.size(), o.lastModified())));
        continuation = r.nextContinuationToken();
        done = !Boolean.TRUE.equals(r.isTruncated()) || continuation == null;
    }
}
