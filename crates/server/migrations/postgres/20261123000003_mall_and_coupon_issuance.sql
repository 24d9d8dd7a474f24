-- The points mall and coupon issuance (issue 4).

-- Units sold per mall item with a limited stock. The stock itself is program data; `sold`
-- only grows, by a conditional UPDATE (`sold < stock`), so two redemptions can never take
-- the last unit twice on either store.
CREATE TABLE mall_stock (
    item_id TEXT PRIMARY KEY,
    sold    BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0)
);

-- One row per successful redemption. `id` is the member id, ':' and the request's
-- Idempotency-Key: a key is the member's own, and a retry finds its stored answer.
CREATE TABLE mall_redemptions (
    id             TEXT PRIMARY KEY,
    member_id      TEXT NOT NULL REFERENCES members (id),
    item_id        TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    points         BIGINT NOT NULL,
    coupon_id      TEXT,
    response       TEXT NOT NULL,
    at_ms          BIGINT NOT NULL
);
CREATE INDEX mall_redemptions_member_item ON mall_redemptions (member_id, item_id, at_ms);

-- What an automatic issuance is about (e.g. `monthly:2027-03:m_…`): unique, so a job or
-- registration run twice issues nothing twice. NULL for coupons without one.
ALTER TABLE coupons ADD COLUMN issue_key TEXT;
CREATE UNIQUE INDEX coupons_issue_key ON coupons (issue_key);
