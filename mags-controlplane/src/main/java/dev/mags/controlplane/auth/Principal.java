package dev.mags.controlplane.auth;

/** The authenticated caller of a request. */
public record Principal(String userId, String userName, boolean admin, String tokenPrefix) {}
