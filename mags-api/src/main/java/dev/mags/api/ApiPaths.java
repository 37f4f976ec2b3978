package dev.mags.api;

/** Paths of the REST API, relative to the server's base URL. */
public final class ApiPaths {
    public static final String BASE = "/api/v1";
    public static final String JOBS = BASE + "/mags-jobs";
    public static final String ME = BASE + "/me";
    public static final String WORKSPACES = BASE + "/mags-workspaces";
    public static final String SSH_KEYS = BASE + "/ssh-keys";
    public static final String HEALTH = "/healthz";

    private ApiPaths() {}

    public static String job(String id, String action) {
        return JOBS + "/" + id + "/" + action;
    }
}
