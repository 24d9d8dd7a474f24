-- One-off upkeep a start has finished for good (db/sealing.rs: the plain-text rows of
-- before issue 39 sealed), so later starts skip it instead of scanning every member.
CREATE TABLE upkeep_steps (
    step        TEXT PRIMARY KEY,
    done_at_ms  BIGINT NOT NULL
);
