-- Public URLs: which subdomain serves what. A 'job' route serves one port of one job's sandbox
-- (POST /mags-jobs/{id}/access); an 'alias' serves the newest job of a workspace, whichever it is, on the port
-- of that job's own route (8080 without one). Subdomains are unique across users. Epoch milliseconds.
CREATE TABLE app_routes (
    subdomain    VARCHAR(63)  PRIMARY KEY,
    user_id      VARCHAR(64)  NOT NULL REFERENCES users(id),
    kind         VARCHAR(8)   NOT NULL CHECK (kind IN ('job', 'alias')),
    job_id       VARCHAR(64),
    workspace_id VARCHAR(255),
    port         INTEGER,
    created_at   BIGINT       NOT NULL
);
CREATE UNIQUE INDEX app_routes_by_job_port ON app_routes (job_id, port);
CREATE INDEX app_routes_by_user ON app_routes (user_id, kind, created_at);
