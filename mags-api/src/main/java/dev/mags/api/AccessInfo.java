package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code POST /mags-jobs/{id}/access} for port 22: where to point {@code ssh}
 * ({@code ssh -p SSH_PORT SSH_USER@SSH_HOST}).
 *
 * @param sshUser the login name that selects the sandbox at the gateway
 */
public record AccessInfo(
        @JsonProperty("success") boolean success,
        @JsonProperty("ssh_host") String sshHost,
        @JsonProperty("ssh_port") int sshPort,
        @JsonProperty("ssh_user") String sshUser) {}
