package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /mags-url-aliases}: the caller's aliases, oldest first. */
public record UrlAliasList(@JsonProperty("aliases") List<UrlAlias> aliases) {}
