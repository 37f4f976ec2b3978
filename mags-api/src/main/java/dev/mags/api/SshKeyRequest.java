package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /api/v1/ssh-keys}.
 *
 * @param name      a label for the key (1-128 characters); the key's comment when null
 * @param publicKey one OpenSSH public key line, as in a {@code .pub} file: {@code type base64 [comment]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SshKeyRequest(@JsonProperty("name") String name, @JsonProperty("public_key") String publicKey) {}
