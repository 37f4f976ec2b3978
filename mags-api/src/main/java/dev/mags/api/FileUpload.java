package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The answer of {@code POST /api/v1/mags-files}: the files of the upload in the order they were sent;
 * {@code file_id} is the first one's id (a single upload), {@code file_ids} all of them.
 */
public record FileUpload(
        @JsonProperty("file_id") String fileId,
        @JsonProperty("file_ids") List<String> fileIds,
        @JsonProperty("files") List<UploadedFile> files) {

    public FileUpload {
        fileIds = List.copyOf(fileIds);
        files = List.copyOf(files);
    }

    public static FileUpload of(List<UploadedFile> files) {
        return new FileUpload(files.isEmpty() ? null : files.getFirst().fileId(),
                files.stream().map(UploadedFile::fileId).toList(), files);
    }
}
