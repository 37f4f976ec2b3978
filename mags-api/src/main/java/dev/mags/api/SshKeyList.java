package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /api/v1/ssh-keys}: the caller's SSH public keys, oldest first. */
public record SshKeyList(@JsonProperty("ssh_keys") List<SshKeyInfo> sshKeys) {
    public SshKeyList {
        sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
    }
}
