package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One page of {@code GET /mags-jobs}, newest first. */
public record JobPage(
        @JsonProperty("jobs") List<JobInfo> jobs,
        @JsonProperty("page") int page,
        @JsonProperty("page_size") int pageSize,
        @JsonProperty("total") long total) {}
