-- Churn risk (issue 40): members who bought before but not lately, found without scanning
-- the orders. `last_order_at_ms` is the latest paid time of the member's orders, kept by
-- the order path from now on and filled here for the orders before.
ALTER TABLE members ADD COLUMN last_order_at_ms BIGINT;
UPDATE members SET last_order_at_ms =
    (SELECT MAX(paid_at_ms) FROM orders WHERE orders.member_id = members.id);
-- No index on it, nor on the spend the list is sorted by: every order changes both, and
-- an index would cost every order (docs/performance.md).

-- A coupon granted to a whole churn list: one row per batch, its progress kept so a batch
-- resumes after a restart. `request_key` is the admin's id, ':' and the request's
-- Idempotency-Key: a second click finds the batch instead of starting another.
CREATE TABLE grant_batches (
    id              TEXT PRIMARY KEY,
    request_key     TEXT NOT NULL UNIQUE,
    actor_id        TEXT NOT NULL REFERENCES members (id),
    request_sha256  TEXT NOT NULL,
    grant_id        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    tier            TEXT,
    store           TEXT,
    -- Members whose last order is before this instant: fixed when the batch is made.
    cutoff_ms       BIGINT NOT NULL,
    total           BIGINT NOT NULL,
    granted         BIGINT NOT NULL DEFAULT 0,
    -- The walk's position: members by id.
    after_id        TEXT NOT NULL DEFAULT '',
    -- `running` or `done`.
    status          TEXT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    finished_at_ms  BIGINT
);
