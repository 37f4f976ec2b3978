package dev.mags.storage.layout;

import dev.mags.storage.error.InvalidStorageArgumentException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A snapshot's name: UTC time to the millisecond, then random hex, e.g. {@code 20251123T072301123Z-9f3a01bc}.
 * Ids sort as strings in time order, so "latest" is the greatest key under a workspace's prefix.
 */
public record SnapshotId(String value) implements Comparable<SnapshotId> {
    private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{9}Z-[0-9a-f]{8}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    public SnapshotId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidStorageArgumentException("'" + value + "' is not a snapshot id (like 20251123T072301123Z-9f3a01bc)");
        }
    }

    /** A new id for {@code now}, strictly after {@code previous} if given (clocks may step back). */
    public static SnapshotId next(Instant now, SnapshotId previous) {
        Instant t = now;
        if (previous != null && !t.isAfter(previous.time())) {
            t = previous.time().plusMillis(1);
        }
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        return new SnapshotId(TIME.format(t) + "-" + HexFormat.of().formatHex(r));
    }

    public Instant time() {
        return Instant.from(TIME.parse(value.substring(0, 19)));
    }

    @Override
    public int compareTo(SnapshotId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
