package dev.mags.api;

/** Paths of the REST API, relative to the server's base URL. */
public final class ApiPaths {
    public static final String BASE = "/api/v1";
    public static final String JOBS = BASE + "/mags-jobs";
    public static final String ME = BASE + "/me";
    public static final String WORKSPACES = BASE + "/mags-workspaces";
    public static final String SSH_KEYS = BASE + "/ssh-keys";
    public static final String FILES = BASE + "/mags-files";
    public static final String TOKENS = BASE + "/tokens";
    public static final String USERS = BASE + "/users";
    public static final String CRON = BASE + "/mags-cron";
    public static final String URL_ALIASES = BASE + "/mags-url-aliases";
    public static final String USAGE = BASE + "/mags-usage";
    public static final String SERVER_STATS = BASE + "/server-stats";
    public static final String HEALTH = "/healthz";
    public static final String METRICS = "/metrics";

    private ApiPaths() {}

    public static String job(String id, String action) {
        return JOBS + "/" + id + "/" + action;
    }
}
