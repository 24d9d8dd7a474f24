-- The daily jobs run by `serve` itself (workflows/schedule.rs): one holder at a time
-- across the servers of one database (a lease), and a record of every run (for `jobs
-- status`, and to know which days are done).

CREATE TABLE leases (
    name           TEXT PRIMARY KEY,
    -- Who holds it: a random id per process.
    holder         TEXT NOT NULL,
    -- Held until then, unless renewed; anyone may take it after.
    expires_at_ms  BIGINT NOT NULL
);

CREATE TABLE job_runs (
    id             TEXT PRIMARY KEY,
    -- The local date the jobs ran as of (YYYY-MM-DD).
    day            TEXT NOT NULL,
    holder         TEXT NOT NULL,
    started_at_ms  BIGINT NOT NULL,
    duration_ms    BIGINT NOT NULL,
    -- What each step did (workflows::jobs::JobReport as JSON), or why it failed.
    report         TEXT,
    error          TEXT
);

CREATE INDEX job_runs_day ON job_runs (day, started_at_ms);
