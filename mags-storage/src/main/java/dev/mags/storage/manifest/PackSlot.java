package dev.mags.storage.manifest;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Where a small chunk lives: bytes {@code offset .. offset + length - 1} of a pack object hold its zstd frame.
 * Written as {@code ["<pack sha256>", offset, length, packSize]} to keep manifests of many small files small.
 *
 * @param pack     the pack's name (SHA-256 hex of the whole pack object)
 * @param offset   where the chunk's frame starts in the pack
 * @param length   bytes of the frame
 * @param packSize bytes of the whole pack: a restore that needs all of it fetches it whole and checks the
 *                 pack's hash once instead of every chunk's
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"pack", "offset", "length", "packSize"})
public record PackSlot(String pack, long offset, int length, long packSize) {
    public PackSlot {
        Objects.requireNonNull(pack, "pack");
        if (offset < 0 || length < 1 || offset + length > packSize) {
            throw new IllegalArgumentException("not a pack slot: " + offset + "+" + length + " in " + pack + " of " + packSize);
        }
    }

    public long end() {
        return offset + length;
    }
}
