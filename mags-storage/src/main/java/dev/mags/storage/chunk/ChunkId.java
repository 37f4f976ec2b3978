package dev.mags.storage.chunk;

import dev.mags.storage.error.CorruptDataException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A chunk's name: the SHA-256 of its plain (uncompressed) bytes, as 64 lower-case hex digits. */
public record ChunkId(String hex) {
    public ChunkId {
        if (hex == null || hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new CorruptDataException("'" + hex + "' is not a SHA-256 chunk id");
        }
    }

    public static ChunkId of(byte[] data, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(data, offset, length);
        return new ChunkId(HexFormat.of().formatHex(sha.digest()));
    }

    public static ChunkId of(byte[] data) {
        return of(data, 0, data.length);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }
}
