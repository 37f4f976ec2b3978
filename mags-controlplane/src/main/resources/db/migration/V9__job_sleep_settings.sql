-- A persistent job's sandbox settings, as the reference API has them (PATCH /mags-jobs/{id}):
-- no_sleep keeps the sandbox running when idle (always-on, restarted after a crash of the server);
-- startup_command runs in the background whenever the sandbox starts again (wake, recovery).
ALTER TABLE jobs ADD COLUMN no_sleep BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs ADD COLUMN startup_command TEXT;
-- Jobs are addressed by name as well as by request id (mags status NAME, stop, exec, ssh, set).
CREATE INDEX jobs_by_name ON jobs (user_id, name);
