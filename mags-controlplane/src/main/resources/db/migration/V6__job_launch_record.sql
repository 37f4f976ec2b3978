-- When the runner let the agent hand a job's script to its sandbox: committed before the script can start.
-- A job still pending with launched_at set after a crash may or may not have run; it ends in error instead
-- of being run a second time. Epoch milliseconds.
ALTER TABLE jobs ADD COLUMN launched_at BIGINT;
