-- Uploaded files a job asked for (file_ids), in the order given: placed at /root/<name> in its sandbox
-- before its script starts. Rows go with their job (JobStore.deleteFinished).
CREATE TABLE job_files (
    job_id   VARCHAR(64) NOT NULL,
    position INTEGER     NOT NULL,
    file_id  VARCHAR(64) NOT NULL,
    PRIMARY KEY (job_id, position)
);
