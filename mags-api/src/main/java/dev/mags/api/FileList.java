package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /api/v1/mags-files}: the caller's uploaded files, newest first. */
public record FileList(@JsonProperty("files") List<UploadedFile> files) {
    public FileList {
        files = List.copyOf(files);
    }
}
