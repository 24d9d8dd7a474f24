-- What staff did, one row per action (issue 4: coupon grants). `id` is the actor's id,
-- ':' and the request's Idempotency-Key, so a retried grant finds its row and answer.
CREATE TABLE audit_log (
    id             TEXT PRIMARY KEY,
    actor_id       TEXT NOT NULL REFERENCES members (id),
    action         TEXT NOT NULL,
    member_id      TEXT REFERENCES members (id),
    request_sha256 TEXT NOT NULL,
    -- JSON: what was done and why (the grant, the reason, the coupon issued).
    detail         TEXT NOT NULL,
    response       TEXT NOT NULL,
    at_ms          BIGINT NOT NULL
);
CREATE INDEX audit_log_member ON audit_log (member_id, at_ms);
