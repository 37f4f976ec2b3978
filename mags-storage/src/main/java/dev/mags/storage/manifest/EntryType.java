package dev.mags.storage.manifest;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a manifest entry is. Overlay whiteouts (char device 0:0) are their own type: they record deletions. */
public enum EntryType {
    FILE("file"),
    DIR("dir"),
    SYMLINK("symlink"),
    /** Another name of an earlier FILE entry (same inode); {@code target} is that entry's path. */
    HARDLINK("hardlink"),
    /** An overlayfs whiteout: the char device 0:0 that hides a lower-layer file. */
    WHITEOUT("whiteout"),
    CHAR_DEVICE("char"),
    BLOCK_DEVICE("block"),
    FIFO("fifo");

    private final String json;

    EntryType(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
