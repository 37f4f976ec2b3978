package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code POST /mags-jobs/{id}/access}. For port 22, where to point {@code ssh}
 * ({@code ssh -p SSH_PORT SSH_USER@SSH_HOST}); for any other port, the public URL that serves it.
 * Fields of the other kind are absent.
 *
 * @param sshUser the login name that selects the sandbox at the gateway
 * @param url the address that serves the sandbox's {@code port} ({@code http://SUB.APPS-DOMAIN:PORT} or as
 *            the server's URL template builds it)
 * @param subdomain the URL's first label, what an alias would name instead
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccessInfo(
        @JsonProperty("success") boolean success,
        @JsonProperty("ssh_host") String sshHost,
        @JsonProperty("ssh_port") Integer sshPort,
        @JsonProperty("ssh_user") String sshUser,
        @JsonProperty("url") String url,
        @JsonProperty("port") Integer port,
        @JsonProperty("subdomain") String subdomain) {

    public static AccessInfo ssh(String host, int port, String user) {
        return new AccessInfo(true, host, port, user, null, null, null);
    }

    public static AccessInfo url(String url, int port, String subdomain) {
        return new AccessInfo(true, null, null, null, url, port, subdomain);
    }
}
