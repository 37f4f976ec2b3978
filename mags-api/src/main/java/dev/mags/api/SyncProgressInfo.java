package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How far a running workspace sync is: phase ({@code scanning}, {@code transferring}, {@code committing}) and counts. */
public record SyncProgressInfo(
        @JsonProperty("phase") String phase,
        @JsonProperty("files_done") long filesDone,
        @JsonProperty("files_total") long filesTotal,
        @JsonProperty("bytes_done") long bytesDone,
        @JsonProperty("bytes_total") long bytesTotal) {}
