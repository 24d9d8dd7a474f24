-- Every change of a member's tier, as it happens (issue 40): an order's upgrade, the
-- monthly evaluation's downgrade. The console shows a member's tier history and counts
-- upgrades and downgrades in a range. Tiers changed before this table are not in it.
CREATE TABLE tier_changes (
    id BIGSERIAL PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id),
    from_tier  TEXT NOT NULL,
    to_tier    TEXT NOT NULL,
    -- `order` (with its id) or `evaluation`.
    cause      TEXT NOT NULL,
    order_id   TEXT,
    at_ms      BIGINT NOT NULL
);
CREATE INDEX tier_changes_member ON tier_changes (member_id, at_ms);
CREATE INDEX tier_changes_at ON tier_changes (at_ms);
