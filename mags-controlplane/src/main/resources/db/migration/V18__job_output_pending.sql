-- A job whose exit is stored while its last output lines are still being stored (by the replica that ran it,
-- a moment after): readers on every replica show it as still running until the lines are in, so nothing that
-- follows a job (mags logs -f, the SDKs' polling) can see its end before its last line. The exit is stored first
-- so that a crash in between cannot report a job that ended as interrupted; a flag left by such a crash counts
-- for a few seconds only (see JobViews).
ALTER TABLE jobs ADD COLUMN output_pending BOOLEAN NOT NULL DEFAULT FALSE;
