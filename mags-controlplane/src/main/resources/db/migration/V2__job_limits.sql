-- The resource limits a job runs with, resolved from its request and the operator's defaults.
ALTER TABLE jobs ADD COLUMN memory_bytes BIGINT;
ALTER TABLE jobs ADD COLUMN cpu_millis BIGINT;
ALTER TABLE jobs ADD COLUMN disk_bytes BIGINT;
ALTER TABLE jobs ADD COLUMN pids BIGINT;
