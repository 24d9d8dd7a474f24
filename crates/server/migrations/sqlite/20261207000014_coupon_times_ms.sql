-- Coupon times as Unix milliseconds (BIGINT), like every other time: `valid_from`,
-- `valid_until`, `used_at` and `created_at` were RFC 3339 text, compared and sorted as
-- text, which is time order only while every row carries the same offset.
--
-- SQLite cannot change a column's type, nor drop one that a CHECK names: the table is
-- built again (new table, copy, drop, rename, indexes), same columns in the same order,
-- the four times replaced. No table refers to `coupons` by a foreign key, and no trigger
-- or view names it.
--
-- Each time is converted from its text whatever its offset: `julianday()` reads the
-- offset (`Z`, `+08:00`, `-05:00`) and fractional seconds. The fraction is first cut to
-- milliseconds (`.123456789` → `.123`): `julianday()` would round the rest to the
-- nearest millisecond, where the server (`clock::ms`) truncates. Then days since the
-- Unix epoch (2440587.5) × 86,400,000, rounded: julianday() is SQLite's own integer
-- milliseconds divided, so rounding gives them back exactly.

CREATE TABLE coupons_ms (
    id               TEXT PRIMARY KEY,
    member_id        TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- The rules crate's CouponKind as JSON, e.g. {"type":"threshold","min_spend_fen":10000,"off_fen":1500}.
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    -- welcome, first_order, monthly, birthday, invite, mall, campaign, staff
    source           TEXT NOT NULL,
    valid_from_ms    BIGINT NOT NULL,
    -- The first instant at which the coupon is no longer valid.
    valid_until_ms   BIGINT NOT NULL,
    first_order_only BOOLEAN NOT NULL DEFAULT FALSE,
    used_at_ms       BIGINT,
    created_at_ms    BIGINT NOT NULL,
    used_order_id    TEXT,
    issue_key        TEXT,
    title_en         TEXT,
    CHECK (valid_until_ms > valid_from_ms)
);

INSERT INTO coupons_ms (id, member_id, kind, title, source, valid_from_ms, valid_until_ms,
    first_order_only, used_at_ms, created_at_ms, used_order_id, issue_key, title_en)
SELECT id, member_id, kind, title, source,
    CAST(ROUND((julianday(
        substr(valid_from, 1, 19)
        || substr(valid_from, 20,
             min(4, length(valid_from) - 19 - CASE WHEN valid_from LIKE '%Z' THEN 1 ELSE 6 END))
        || substr(valid_from, CASE WHEN valid_from LIKE '%Z' THEN -1 ELSE -6 END)
    ) - 2440587.5) * 86400000) AS INTEGER),
    CAST(ROUND((julianday(
        substr(valid_until, 1, 19)
        || substr(valid_until, 20,
             min(4, length(valid_until) - 19 - CASE WHEN valid_until LIKE '%Z' THEN 1 ELSE 6 END))
        || substr(valid_until, CASE WHEN valid_until LIKE '%Z' THEN -1 ELSE -6 END)
    ) - 2440587.5) * 86400000) AS INTEGER),
    first_order_only,
    CAST(ROUND((julianday(
        substr(used_at, 1, 19)
        || substr(used_at, 20,
             min(4, length(used_at) - 19 - CASE WHEN used_at LIKE '%Z' THEN 1 ELSE 6 END))
        || substr(used_at, CASE WHEN used_at LIKE '%Z' THEN -1 ELSE -6 END)
    ) - 2440587.5) * 86400000) AS INTEGER),
    CAST(ROUND((julianday(
        substr(created_at, 1, 19)
        || substr(created_at, 20,
             min(4, length(created_at) - 19 - CASE WHEN created_at LIKE '%Z' THEN 1 ELSE 6 END))
        || substr(created_at, CASE WHEN created_at LIKE '%Z' THEN -1 ELSE -6 END)
    ) - 2440587.5) * 86400000) AS INTEGER),
    used_order_id, issue_key, title_en
FROM coupons;

DROP TABLE coupons;
ALTER TABLE coupons_ms RENAME TO coupons;
CREATE INDEX coupons_member_id ON coupons (member_id);
CREATE UNIQUE INDEX coupons_issue_key ON coupons (issue_key);
